// Autosave for the scoring form: debounced JSON saves, a copy in localStorage, retries.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var url = form.dataset.autosaveUrl;
  var storageKey = form.dataset.storageKey;
  var serverSaved = Date.parse(form.dataset.serverSaved || "") || 0;
  var statusEl = document.getElementById("autosave-status");
  var versionEl = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var DELAY = 1500, RETRY = 10000;
  var timer = null, inflight = null, stale = false, dirty = false;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name !== "version" &&
        el.type !== "submit" && el.type !== "hidden";
    });
  }
  function collect() {
    var data = {};
    fields().forEach(function (el) { data[el.name] = el.value; });
    return data;
  }
  function show(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("text-danger", !!isError);
    statusEl.classList.toggle("text-muted", !isError);
  }
  function hhmm(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function keepLocal() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ savedAt: Date.now(), data: collect() }));
    } catch (e) { /* private mode or full: the server copy still counts */ }
  }
  function dropLocal() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }

  function save() {
    timer = null;
    if (stale || !dirty) { return Promise.resolve(); }
    if (inflight) { return inflight.then(save); }
    dirty = false;
    var payload = collect();
    payload.version = versionEl.value;
    show("Saving…");
    inflight = fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        versionEl.value = result.body.version;
        show("Saved at " + hhmm(new Date()));
        if (!dirty) { dropLocal(); }
      } else if (result.status === 409) {
        stale = true;
        show(result.body.error || "This review changed since you opened it.", true);
      } else if (result.status >= 500) {
        // The server or its database is down: the draft stays in localStorage; try again.
        dirty = true;
        show(result.body.error || "Not saved — will retry", true);
        window.setTimeout(schedule, RETRY);
      } else {
        show("Not saved — " + (result.body.error || "the server refused it"), true);
      }
    }).catch(function () {
      dirty = true;
      show("Not saved — will retry", true);
      window.setTimeout(schedule, RETRY);
    }).then(function () { inflight = null; });
    return inflight;
  }
  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, DELAY);
  }
  function changed() {
    dirty = true;
    keepLocal();
    schedule();
  }

  function restore() {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { stored = null; }
    if (!stored || !stored.data) { return; }
    if (stored.savedAt <= serverSaved) { dropLocal(); return; }
    var differs = false;
    fields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(stored.data, el.name) && el.value !== stored.data[el.name]) {
        el.value = stored.data[el.name];
        differs = true;
      }
    });
    if (differs) {
      show("Restored your unsaved changes from this browser");
      dirty = true;
      schedule();
    } else {
      dropLocal();
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (inflight) {
      // Wait for the running autosave, so the form carries the version it produced.
      event.preventDefault();
      var submitter = event.submitter;
      inflight.then(function () { dirty = false; form.requestSubmit(submitter); });
      return;
    }
    // The local copy is kept until the server has the save: the next page load drops it
    // (it is then older than the review), and a failed POST (503) leaves it to be restored.
    keepLocal();
  });
  window.addEventListener("online", function () { if (dirty) { save(); } });
  restore();
})();
