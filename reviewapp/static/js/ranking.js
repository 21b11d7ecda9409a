// Ranking page charts: data comes from the JSON block #ranking-data (no inline script).
(function () {
  "use strict";
  const block = document.getElementById("ranking-data");
  if (!block || typeof Chart === "undefined") return;
  const data = JSON.parse(block.textContent);
  const common = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } };

  const scoreCanvas = document.getElementById("score-chart");
  if (scoreCanvas) {
    new Chart(scoreCanvas, {
      type: "bar",
      data: {
        labels: data.histogram.labels,
        datasets: [{ label: "Candidates", data: data.histogram.counts, backgroundColor: "#1f4e78" }],
      },
      options: { ...common, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  const leniencyCanvas = document.getElementById("leniency-chart");
  if (leniencyCanvas) {
    const values = data.leniency.values;
    new Chart(leniencyCanvas, {
      type: "bar",
      data: {
        labels: data.leniency.labels,
        datasets: [{
          label: "Leniency (points)",
          data: values,
          backgroundColor: values.map((v) => (v >= 0 ? "#63be7b" : "#f8696b")),
        }],
      },
      options: { ...common, indexAxis: "y" },
    });
  }
})();

// Rank intervals are computed in the background: poll their state, reload when they are ready.
(function () {
  "use strict";
  const box = document.getElementById("interval-progress");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const url = box.dataset.statusUrl;
  let delay = 1000;
  window.reviewappPoll(url, (data, response) => {
    // 404: the job's row was replaced (the data changed); the page will start a new one.
    if (response.status === 404 || (data && data.ready)) { window.location.reload(); return null; }
    if (!data) return 5000;
    if (data.finished) {
      box.textContent = data.status === "stale"
        ? "The reviews changed while the rank intervals were computed. Reload the page in a moment for the current ones."
        : "Rank intervals could not be computed. Reload the page to try again.";
      return null;
    }
    delay = Math.min(delay * 1.5, 10000);
    return delay;
  }, delay);
})();
