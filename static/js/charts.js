/* Draw every <canvas data-chart="ID"> from the JSON config in <script type="application/json" id="ID">.
 * Configs are built server-side (dashboards/charts.py); each point may carry `tip` (tooltip lines)
 * and a config may carry `markers` ([{x, short, title}]) drawn as dashed vertical lines (timeline events), their
 * short labels staggered into rows (hidden where they would collide) and every title shown on hover.
 * Points marked `held` only continue a step line to where its value ended: they get no tooltip. */
(function () {
  "use strict";

  const LABEL_ROWS = 3;
  const ROW_HEIGHT = 11;
  const HOVER_PX = 6;

  /* Place each marker's short label in the first of LABEL_ROWS rows where it does not overlap the label
   * before it; a label that fits in no row is not drawn (its line still is, and hovering it shows the event). */
  function layoutLabels(ctx, markers, x, area) {
    const rowEnds = new Array(LABEL_ROWS).fill(-Infinity);
    return markers.map((marker) => {
      const px = x.getPixelForValue(new Date(marker.x).getTime());
      if (px < area.left || px > area.right) return null;
      const text = marker.short || "";
      const width = ctx.measureText(text).width;
      const left = px + 3;
      const fitsInside = left + width <= area.right;
      const row = rowEnds.findIndex((end) => left > end + 4);
      const placed = text && fitsInside && row !== -1;
      if (placed) rowEnds[row] = left + width;
      return { marker, px, row: placed ? row : null, text, left, width };
    }).filter(Boolean);
  }

  const markerPlugin = {
    id: "markers",
    afterDatasetsDraw(chart, _args, options) {
      const markers = options.items || [];
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !markers.length) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = "10px system-ui, sans-serif";
      const placed = layoutLabels(ctx, markers, x, area);
      chart.$markerPixels = placed;
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = "rgba(95, 107, 122, 0.55)";
      ctx.fillStyle = "rgba(95, 107, 122, 0.9)";
      placed.forEach(({ px, row, text }) => {
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        if (row !== null) ctx.fillText(text, px + 3, area.top + 10 + row * ROW_HEIGHT);
      });
      ctx.restore();
    },
    afterEvent(chart, args) {
      const event = args.event;
      const placed = chart.$markerPixels || [];
      const area = chart.chartArea;
      let hovered = [];
      if (event.type !== "mouseout" && area && event.y >= area.top && event.y <= area.bottom) {
        hovered = placed.filter((p) => Math.abs(p.px - event.x) <= HOVER_PX);
      }
      const key = hovered.map((p) => p.marker.x + p.marker.title).join("|");
      if (key !== (chart.$markerHoverKey || "")) {
        chart.$markerHoverKey = key;
        chart.$markerHover = hovered;
        args.changed = true;
      }
    },
    afterDraw(chart) {
      const hovered = chart.$markerHover || [];
      if (!hovered.length) return;
      const ctx = chart.ctx;
      const area = chart.chartArea;
      const lines = hovered.map((p) => `${p.marker.x} ${p.marker.short}: ${p.marker.title}`);
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      const maxWidth = area.right - area.left - 8;
      const width = Math.min(maxWidth, Math.max(...lines.map((l) => ctx.measureText(l).width)) + 12);
      const height = lines.length * 16 + 8;
      const px = hovered[0].px;
      const left = Math.max(area.left + 4, Math.min(px + 8, area.right - width - 4));
      const top = area.top + LABEL_ROWS * ROW_HEIGHT + 8;
      ctx.fillStyle = "rgba(31, 41, 51, 0.92)";
      ctx.fillRect(left, top, width, height);
      ctx.fillStyle = "#ffffff";
      lines.forEach((line, i) => ctx.fillText(line, left + 6, top + 16 + i * 16, maxWidth - 12));
      ctx.restore();
    },
  };

  /* The tooltip of a point also names the events on its date. */
  function eventLines(chart, items) {
    const markers = (chart.options.plugins.markers || {}).items || [];
    const dates = new Set(items.map((item) => item.raw && item.raw.x));
    return markers.filter((m) => dates.has(m.x)).map((m) => `${m.short}: ${m.title}`);
  }

  function tooltipLines(context) {
    const tip = context.raw && context.raw.tip;
    if (Array.isArray(tip)) return tip;
    if (tip) return [tip];
    return `${context.dataset.label}: ${context.formattedValue}`;
  }

  /* Log axes label 1, 2 and 5 of each decade (1, 1.5, 2, 2.5 ... when the axis spans less than one): Chart.js's
   * own formatter labels every tick of the top fifth, so 50 60 70 80 90 100 ran into each other. */
  function logTickLabel(value, index, ticks) {
    const span = Math.log10(ticks[ticks.length - 1].value / ticks[0].value);
    const significand = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
    const steps = span < 1 ? [...Array(19).keys()].map((i) => 1 + i / 2) : [1, 2, 5];
    const keep = steps.some((k) => Math.abs(significand - k) < 1e-6);
    return keep ? String(Number(value.toPrecision(2))) : "";
  }

  function labelLogAxes(scales) {
    Object.values(scales || {}).forEach((scale) => {
      if (scale.type !== "logarithmic") return;
      scale.ticks = Object.assign({ callback: logTickLabel }, scale.ticks || {});
    });
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const config = JSON.parse(source.textContent);
    const markers = config.markers || [];
    delete config.markers;
    config.options = config.options || {};
    config.options.maintainAspectRatio = false;
    config.options.animation = false; // drawn at once: what a reader (or a screenshot) sees is the final chart
    labelLogAxes(config.options.scales);
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.markers = { items: markers };
    config.options.plugins.tooltip = Object.assign(
      {
        filter: (item) => !(item.raw && item.raw.held),
        callbacks: { label: tooltipLines, footer: (items) => (items.length ? eventLines(items[0].chart, items) : []) },
      },
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
