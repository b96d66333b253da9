// The audit log (who did what, refusals included) and the live bus: every neutral message the hub accepts.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { dateTime, time } from "../lib/format.js";
import { useLive } from "../lib/live.js";
import { Badge, Card, Empty, ErrorNote, Json, useFetch } from "../components/bits.js";

function Audit() {
  const [filter, setFilter] = useState({ actor: "", action: "", outcome: "" });
  const [applied, setApplied] = useState(filter);
  const query = new URLSearchParams(Object.entries(applied).filter(([, v]) => v)).toString();
  const rows = useFetch(() => api.get(`/audit?limit=500${query ? `&${query}` : ""}`), [query]);
  return html`<${Card} title="Audit log" actions=${html`<button class="ghost small" onClick=${rows.reload}>Refresh</button>`}>
    <form class="row filters" onSubmit=${(e) => { e.preventDefault(); setApplied(filter); }}>
      <input placeholder="actor" value=${filter.actor} onInput=${(e) => setFilter({ ...filter, actor: e.target.value })} />
      <input placeholder="action (exact)" value=${filter.action} onInput=${(e) => setFilter({ ...filter, action: e.target.value })} />
      <select value=${filter.outcome} onChange=${(e) => setFilter({ ...filter, outcome: e.target.value })}>
        <option value="">any outcome</option><option>ok</option><option>refused</option><option>failed</option>
      </select>
      <button type="submit" class="small">Filter</button>
    </form>
    <${ErrorNote} error=${rows.error} />
    ${rows.data && (rows.data.length ? html`<table class="table compact">
      <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Target</th><th>Outcome</th><th>Detail</th></tr></thead>
      <tbody>${rows.data.map((r) => html`<tr class=${r.outcome === "ok" ? "" : "failed"}>
        <td class="mono small nowrap">${dateTime(r.ts)}</td><td>${r.actor}</td><td class="mono">${r.action}</td><td class="mono small">${r.target ?? ""}</td>
        <td><${Badge} value=${r.outcome} /></td><td class="mono small muted detail" title=${r.detail ? JSON.stringify(r.detail, null, 1) : ""}>${r.detail ? JSON.stringify(r.detail) : ""}</td></tr>`)}</tbody>
    </table>` : html`<${Empty}>No entries.<//>`)}
  <//>`;
}

function Bus() {
  const messages = useLive((s) => s.messages);
  const [type, setType] = useState("");
  const [open, setOpen] = useState();
  const types = [...new Set(messages.map((m) => m.type))].sort();
  const shown = [...messages].reverse().filter((m) => !type || m.type === type).slice(0, 150);
  return html`<${Card} title="Live bus messages" actions=${html`<select value=${type} onChange=${(e) => setType(e.target.value)}><option value="">all types</option>${types.map((t) => html`<option>${t}</option>`)}</select>`}>
    ${shown.length ? html`<table class="table compact">
      <thead><tr><th>Time</th><th>Type</th><th>Source</th><th>Targets</th><th></th></tr></thead>
      <tbody>${shown.map((m) => html`<tr onClick=${() => setOpen(open === m.id ? undefined : m.id)} class="clickable">
        <td class="mono small nowrap">${time(m.created)}</td><td class="mono">${m.type}</td><td>${m.source}</td>
        <td class="small">${m.targets.map((t) => (t.kind === "all" ? "all" : `${t.kind}:${t.id}`)).join(", ")}</td>
        <td class="small muted">${open === m.id ? "▾" : "▸"}</td></tr>
        ${open === m.id && html`<tr><td colspan="5"><${Json} value=${m} /></td></tr>`}`)}</tbody>
    </table>` : html`<${Empty}>Waiting for messages…<//>`}
  <//>`;
}

export function Log() {
  return html`<div class="page grid halves wide-left"><${Audit} /><${Bus} /></div>`;
}
