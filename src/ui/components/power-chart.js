// Building power over time (uPlot): actual power, an optional flat baseline, and the event window shaded.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { power } from "../lib/format.js";

const ACTUAL = "#0b7285";
const BASELINE = "#e8590c";
const WINDOW_FILL = "rgba(250, 176, 5, 0.14)";
const WINDOW_EDGE = "rgba(230, 119, 0, 0.7)";

function shadeWindow(window) {
  return (u) => {
    if (!window?.start) return;
    const [xmin, xmax] = [u.scales.x.min, u.scales.x.max];
    const start = Math.max(window.start / 1000, xmin);
    const end = Math.min((window.end ?? Date.now()) / 1000, xmax);
    if (end <= start) return;
    const left = u.valToPos(start, "x", true);
    const right = u.valToPos(end, "x", true);
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = WINDOW_FILL;
    ctx.fillRect(left, bbox.top, right - left, bbox.height);
    ctx.strokeStyle = WINDOW_EDGE;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(left, bbox.top);
    ctx.lineTo(left, bbox.top + bbox.height);
    ctx.stroke();
    ctx.restore();
  };
}

/**
 * samples: [{at, w}]; baseline: watts or null; window: {start, end} in ms (shaded); height in px.
 */
export function PowerChart({ samples, baseline, window, height = 240 }) {
  const box = useRef();
  const plot = useRef();

  useEffect(() => {
    const xs = samples.map((s) => Date.parse(s.at) / 1000);
    const ys = samples.map((s) => s.w / 1000);
    const data = [xs, ys];
    const series = [{}, { label: "Actual", stroke: ACTUAL, width: 2, fill: "rgba(11, 114, 133, 0.08)", value: (_u, v) => (v == null ? "–" : power(v * 1000)) }];
    if (baseline !== null && baseline !== undefined) {
      data.push(xs.map(() => baseline / 1000));
      series.push({ label: "Baseline", stroke: BASELINE, width: 1.5, dash: [6, 4], points: { show: false }, value: (_u, v) => (v == null ? "–" : power(v * 1000)) });
    }
    const el = box.current;
    const opts = {
      width: el.clientWidth || 600,
      height,
      series,
      scales: { x: { time: true } },
      axes: [
        { stroke: "#5c6773", grid: { stroke: "#eef1f4" }, ticks: { stroke: "#dde2e7" } },
        { stroke: "#5c6773", grid: { stroke: "#eef1f4" }, ticks: { stroke: "#dde2e7" }, values: (_u, vals) => vals.map((v) => `${v} kW`), size: 64 },
      ],
      cursor: { points: { size: 6 } },
      legend: { live: true },
      hooks: { drawClear: [shadeWindow(window)] },
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [samples, baseline, window?.start, window?.end, height]);

  return html`<div class="chart" ref=${box}></div>`;
}
