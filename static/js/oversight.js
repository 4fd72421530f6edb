/* The oversight pages' charts, drawn with the vendored Chart.js from the figures the page embeds.
   Every figure is also in the page's tables; without this file nothing is lost. */
(function () {
  "use strict";
  const source = document.getElementById("oversight-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const ink = "#1b1f24", accent = "#0b4f8a", brand = "#a3151b", ok = "#1d6b36";
  Chart.defaults.color = ink;
  Chart.defaults.font.family = "system-ui, sans-serif";

  const trend = document.getElementById("chart-trend");
  if (trend && data.trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: trend.dataset.received || "Phản ánh nhận", data: data.trend.received, borderColor: accent, backgroundColor: accent, tension: 0.2 },
          { label: trend.dataset.closed || "Đã đóng", data: data.trend.closed, borderColor: ok, backgroundColor: ok, tension: 0.2 },
          { label: trend.dataset.offered || "Cuộc gọi đến", data: data.trend.offered, borderColor: brand, backgroundColor: brand, borderDash: [6, 4], tension: 0.2 },
        ],
      },
      options: { responsive: true, interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true } } },
    });
  }

  const provinces = document.getElementById("chart-provinces");
  if (provinces && data.provinces) {
    new Chart(provinces, {
      type: "bar",
      data: {
        labels: data.provinces.labels,
        datasets: [{ label: provinces.dataset.label || "Tỷ lệ đúng hạn (%)", data: data.provinces.on_time, backgroundColor: accent }],
      },
      options: { responsive: true, indexAxis: "y", scales: { x: { min: 0, max: 100 } } },
    });
  }
})();
