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
    window.reviewappPoll(url, function (data) {
      if (!data) return 3000;
      status.textContent = data.status;
      if (!data.finished) return 1500;
      box.dataset.finished = "true";
      if (wait) wait.hidden = true;
      if (data.error) { error.textContent = data.error; error.hidden = false; }
      if (data.download_url) {
        link.href = data.download_url;
        link.textContent = "Download " + data.filename;
        download.hidden = false;
        link.focus();
      }
      return null;
    });
  }

  document.addEventListener("DOMContentLoaded", poll);
})();
