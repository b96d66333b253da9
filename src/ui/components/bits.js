// Small building blocks shared by the pages.
import { html } from "htm/preact";
import { useEffect, useState, useCallback } from "preact/hooks";

const TONE = {
  up: "good", active: "good", ok: "good", good: "good", done: "good", successful: "good", optIn: "good",
  running: "info", pending: "info", far: "info", near: "info", starting: "info",
  degraded: "warn", uncertain: "warn", partial: "warn", cancelled: "warn", superseded: "warn", refused: "warn", optOut: "warn",
  down: "bad", bad: "bad", failed: "bad", unsuccessful: "bad",
  completed: "muted", stopped: "muted",
  write: "info", restore: "muted", relinquish: "muted", new: "info",
};

export function Badge({ value, title }) {
  return html`<span class=${`badge ${TONE[value] ?? "muted"}`} title=${title}>${value}</span>`;
}

export function Card({ title, actions, children, class: cls = "" }) {
  return html`<section class=${`card ${cls}`}>
    ${title && html`<header class="card-head"><h2>${title}</h2><div class="card-actions">${actions}</div></header>`}
    <div class="card-body">${children}</div>
  </section>`;
}

export function Kpi({ label, value, sub, tone }) {
  return html`<div class=${`kpi ${tone ?? ""}`}>
    <div class="kpi-label">${label}</div>
    <div class="kpi-value">${value}</div>
    ${sub && html`<div class="kpi-sub">${sub}</div>`}
  </div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children}</div>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  const issues = error.body?.error?.issues ?? [];
  return html`<div class="error-note" role="alert">
    <strong>${error.status ? `${error.status}: ` : ""}</strong>${error.message}
    ${issues.length > 0 && html`<ul>${issues.map((i) => html`<li><code>${i.path}</code> ${i.message}</li>`)}</ul>`}
  </div>`;
}

/** Loads with `load()` whenever `deps` change; `reload()` for manual refresh. */
export function useFetch(load, deps) {
  const [data, setData] = useState();
  const [error, setError] = useState();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((d) => live && (setData(d), setError(undefined)), (e) => live && setError(e));
    return () => { live = false; };
  }, [...deps, n]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

/** Re-renders every `ms` (for "12 s ago"). */
export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function Json({ value }) {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}
