// Import pages: a drop zone feeding the file input, and live progress of a batch.
(function () {
  "use strict";

  function setUpDropZone() {
    var zone = document.getElementById("drop-zone");
    var input = document.querySelector('input[type="file"][multiple]');
    if (!zone || !input || typeof DataTransfer === "undefined") return;
    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("border-primary");
      });
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("border-primary"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("border-primary");
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { merged.items.add(f); });
      input.files = merged.files;
      zone.textContent = input.files.length + " file(s) ready to upload.";
    });
  }

  function pollBatch() {
    var box = document.getElementById("batch-progress");
    if (!box || box.dataset.finished === "true") return;
    var url = box.dataset.statusUrl;
    var bar = document.getElementById("batch-bar");
    var count = document.getElementById("batch-count");
    var status = document.getElementById("batch-status");
    var totals = document.getElementById("batch-totals");
    window.reviewappPoll(url, function (data) {
      if (!data) return 3000;
      status.textContent = data.status;
      if (bar) { bar.max = Math.max(1, data.total); bar.value = data.processed; }
      if (count) count.textContent = data.processed + " of " + data.total;
      var t = data.totals;
      totals.textContent = "New: " + t.new + " · Attached: " + t.attached +
        " · Unchanged: " + t.unchanged + " · Failed: " + t.failed;
      if (data.finished) { window.location.reload(); return null; }
      return 1000;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpDropZone();
    pollBatch();
  });
})();
