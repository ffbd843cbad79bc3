/* Draw every <canvas data-chart="ID"> from the JSON config in <script type="application/json" id="ID">.
 * Configs are built server-side (dashboards/charts.py); each point may carry `tip` (tooltip lines)
 * and a config may carry `markers` ([{x, label}]) drawn as dashed vertical lines (timeline events). */
(function () {
  "use strict";

  const markerPlugin = {
    id: "markers",
    afterDatasetsDraw(chart, _args, options) {
      const markers = options.items || [];
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !markers.length) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = "rgba(95, 107, 122, 0.55)";
      ctx.fillStyle = "rgba(95, 107, 122, 0.9)";
      ctx.font = "10px system-ui, sans-serif";
      markers.forEach((marker, i) => {
        const px = x.getPixelForValue(new Date(marker.x).getTime());
        if (px < area.left || px > area.right) return;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(marker.short || "", px + 3, area.top + 10 + (i % 3) * 11);
      });
      ctx.restore();
    },
  };

  function tooltipLines(context) {
    const tip = context.raw && context.raw.tip;
    if (Array.isArray(tip)) return tip;
    if (tip) return [tip];
    return `${context.dataset.label}: ${context.formattedValue}`;
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const config = JSON.parse(source.textContent);
    const markers = config.markers || [];
    delete config.markers;
    config.options = config.options || {};
    config.options.maintainAspectRatio = false;
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.markers = { items: markers };
    config.options.plugins.tooltip = Object.assign(
      { callbacks: { label: tooltipLines } },
      config.options.plugins.tooltip || {}
    );
    config.plugins = [markerPlugin];
    new Chart(canvas, config);
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
