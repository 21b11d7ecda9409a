// Poll a JSON status URL until the page's handler says it is done. Shared by the import
// batch, export job and ranking pages. `handle(data, response)` gets the parsed JSON (null on
// an error answer) and returns the milliseconds until the next poll, or null to stop.
// A network failure retries after three seconds.
window.reviewappPoll = function (url, handle, firstDelay) {
  "use strict";
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) return { response: response, data: null };
        return response.json().then(function (data) { return { response: response, data: data }; });
      })
      .then(function (answer) {
        var next = handle(answer.data, answer.response);
        if (next) window.setTimeout(tick, next);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, firstDelay || 0);
};
