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
