// Adapters: health, counters, latency, last error, adapter detail; discovery scans with live progress.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { ago, infoLine, ms, time } from "../lib/format.js";
import { useLive, useSignedIn } from "../lib/live.js";
import { href } from "../lib/route.js";
import { Badge, Card, Empty, ErrorNote, Json, useFetch, useNow } from "../components/bits.js";

function Progress({ job }) {
  const { done, total, found, message } = job.progress;
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return html`<div class="progress-block">
    <div class="row between small"><span><${Badge} value=${job.state} /> ${message ?? ""}</span><span>${done}${total ? ` / ${total}` : ""} probed · <strong>${found}</strong> found</span></div>
    <div class=${`progress ${pct === undefined && job.state === "running" ? "indeterminate" : ""}`}><div style=${{ width: `${pct ?? (job.state === "running" ? 30 : 100)}%` }}></div></div>
  </div>`;
}

function Discovery({ name, requireSignIn }) {
  const signedIn = useSignedIn();
  const jobs = useLive((s) => s.jobs);
  const [jobId, setJobId] = useState();
  const [timeout, setTimeoutS] = useState(10);
  const [error, setError] = useState();
  const job = jobId ? jobs[jobId] : Object.values(jobs).filter((j) => j.adapter === name).at(-1);

  async function start() {
    if (!signedIn) return requireSignIn();
    setError(undefined);
    try {
      const j = await api.post(`/adapters/${encodeURIComponent(name)}/discover`, { timeoutMs: timeout * 1000 });
      setJobId(j.id);
    } catch (err) {
      setError(err);
    }
  }

  return html`<div class="discovery">
    <div class="row">
      <label class="inline">Scan for<input type="number" min="1" max="300" value=${timeout} onInput=${(e) => setTimeoutS(Number(e.target.value))} /> s</label>
      <button class="primary small" onClick=${start} disabled=${job?.state === "running"}>Discover devices</button>
      ${job?.state === "running" && html`<button class="ghost small" onClick=${() => api.del(`/jobs/${job.id}`).catch(setError)}>Cancel</button>`}
    </div>
    <${ErrorNote} error=${error} />
    ${job && html`<${Progress} job=${job} />`}
    ${job?.error && html`<div class="error-note">${job.error}</div>`}
    ${job?.found.length > 0 && html`<table class="table compact"><thead><tr><th>Address</th><th>Class</th><th>Suggested table</th><th>Configured</th><th>Info</th></tr></thead>
      <tbody>${job.found.map((d) => html`<tr><td class="mono small">${JSON.stringify(d.address)}</td><td>${d.deviceClass ?? "–"}</td><td class="mono">${d.table ?? "–"}</td>
        <td>${d.known ? html`<a href=${href("devices", d.known)}>${d.known}</a>` : html`<${Badge} value="new" />`}</td>
        <td class="small">${d.info ? html`<details><summary>${infoLine(d.info) || "details"}</summary><${Json} value=${d.info} /></details>` : ""}</td></tr>`)}</tbody></table>`}
    ${job?.config && html`<details open><summary>New devices for the hub config (ids are suggestions)</summary><pre class="json">${job.config}</pre></details>`}
  </div>`;
}

export function Adapters({ requireSignIn }) {
  const now = useNow(5000);
  const live = useLive((s) => s.adapters);
  // counters move without a state change: refetch while the page is open
  const fetched = useFetch(() => api.get("/adapters"), [Math.floor(now / 5000)]);
  const adapters = fetched.data ?? live;
  const entries = Object.entries(adapters);
  if (fetched.error) return html`<${ErrorNote} error=${fetched.error} />`;
  if (!entries.length) return html`<${Empty}>No adapters configured.<//>`;
  return html`<div class="page stack">
    <${Card} title="Adapters">
      <table class="table">
        <thead><tr><th>Adapter</th><th>State</th><th>Devices</th><th>Messages in / out</th><th>Reads / writes</th><th>Errors / timeouts</th><th>Reconnects</th><th>Latency p50 / p99</th><th>Last error</th></tr></thead>
        <tbody>${entries.map(([name, a]) => html`<tr>
          <td><strong>${name}</strong><small class="muted block">${a.protocol} · ${a.role}</small></td>
          <td><${Badge} value=${a.state} /><small class="muted block">since ${ago(a.since, now)}</small></td>
          <td>${a.devices}</td>
          <td class="mono">${a.counters.messagesIn} / ${a.counters.messagesOut}</td>
          <td class="mono">${a.counters.reads} / ${a.counters.writes}</td>
          <td class=${`mono ${a.counters.errors + a.counters.timeouts ? "bad-text" : ""}`}>${a.counters.errors} / ${a.counters.timeouts}</td>
          <td class="mono">${a.counters.reconnects}</td>
          <td class="mono nowrap">${a.latency ? `${ms(a.latency.p50)} / ${ms(a.latency.p99)}` : "–"}</td>
          <td class="small">${a.lastError ? html`<span class="bad-text">${a.lastError.code ? `${a.lastError.code}: ` : ""}${a.lastError.message}</span><small class="muted block">${time(a.lastError.at)}</small>` : "–"}</td>
        </tr>`)}</tbody>
      </table>
    <//>
    ${entries.filter(([, a]) => a.discover).map(([name]) => html`<${Card} title=${`Discovery · ${name}`}><${Discovery} name=${name} requireSignIn=${requireSignIn} /><//>`)}
    ${entries.some(([, a]) => a.detail) && html`<${Card} title="Adapter detail">
      ${entries.filter(([, a]) => a.detail).map(([name, a]) => html`<details><summary><strong>${name}</strong> <span class="muted small">${a.protocol}</span></summary><${Json} value=${a.detail} /></details>`)}
    <//>`}
  </div>`;
}
