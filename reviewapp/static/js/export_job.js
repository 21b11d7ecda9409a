// Export job page: poll the job's status until it is finished, then show the download link.
(function () {
  "use strict";

  function poll() {
    var box = document.getElementById("export-progress");
    if (!box || box.dataset.finished === "true") return;
    var url = box.dataset.statusUrl;
    var status = document.getElementById("export-status");
    var error = document.getElementById("export-error");
    var wait = document.getElementById("export-wait");
    var download = document.getElementById("export-download");
    var link = document.getElementById("export-download-link");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(tick, 3000); return; }
          status.textContent = data.status;
          if (!data.finished) { window.setTimeout(tick, 1500); return; }
          box.dataset.finished = "true";
          if (wait) wait.hidden = true;
          if (data.error) { error.textContent = data.error; error.hidden = false; }
          if (data.download_url) {
            link.href = data.download_url;
            link.textContent = "Download " + data.filename;
            download.hidden = false;
            link.focus();
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", poll);
})();
