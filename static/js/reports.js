// Draws the Reports page's charts from the figures the page carries (#report-charts), with Chart.js
// (static/vendor, a pinned copy: nothing is fetched from elsewhere).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#1f5fae";
    var quiet = { animation: false, responsive: true, maintainAspectRatio: false };
    new Chart(document.getElementById("chart-funnel"), {
      type: "bar",
      data: {
        labels: ["Dialed", "Answered", "By a person", "Booked"],
        datasets: [{ label: "Calls", data: data.funnel, backgroundColor: brand }],
      },
      options: Object.assign({ indexAxis: "y", plugins: { legend: { display: false } } }, quiet),
    });
    new Chart(document.getElementById("chart-days"), {
      type: "line",
      data: {
        labels: data.days,
        datasets: [
          { label: "Dialed", data: data.dialed, borderColor: "#8a94a3", backgroundColor: "#8a94a3" },
          { label: "Answered", data: data.answered, borderColor: brand, backgroundColor: brand },
          { label: "Booked", data: data.booked, borderColor: "#1a7f37", backgroundColor: "#1a7f37" },
        ],
      },
      options: Object.assign({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }, quiet),
    });
    new Chart(document.getElementById("chart-groups"), {
      type: "bar",
      data: { labels: data.groups, datasets: [{ label: "Booking rate of answered (%)", data: data.rates, backgroundColor: brand }] },
      options: Object.assign({ scales: { y: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } }, quiet),
    });
    document.documentElement.dataset.chartsDrawn = "yes";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
