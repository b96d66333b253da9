// Event timeline: every grid-side event with its state; for one event, building power against the baseline,
// what each device did, the devices' results, opt decisions and reports, and the messages themselves.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { endMessage } from "../lib/demo.js";
import { dateTime, power, span, time } from "../lib/format.js";
import { refreshEvents, useLive, useSignedIn } from "../lib/live.js";
import { href } from "../lib/route.js";
import { Badge, Card, Empty, ErrorNote, Json, Kpi, useFetch, useNow } from "../components/bits.js";
import { PowerChart } from "../components/power-chart.js";
import { ActionRows } from "./dashboard.js";

function Timeline({ events, selected }) {
  if (!events?.length) return html`<${Empty}>No grid events yet.<//>`;
  return html`<ol class="timeline">${events.map((e) => html`<li class=${e.id === selected ? "selected" : ""}>
    <a href=${href("events", e.id)}>
      <div class="row between"><strong>${e.title}</strong><${Badge} value=${e.state} /></div>
      <div class="muted small">${span(e.start, e.end)}</div>
      <div class="small">${e.source}${e.optState ? html` · <${Badge} value=${e.optState} />` : ""} · ${e.devices.length} device${e.devices.length === 1 ? "" : "s"}, ${e.actions} action${e.actions === 1 ? "" : "s"}</div>
    </a>
  </li>`)}</ol>`;
}

function PowerPanel({ id, version }) {
  const tick = useNow(5000);
  const p = useFetch(() => api.get(`/events/${encodeURIComponent(id)}/power`), [id, version, Math.floor(tick / 5000)]);
  if (p.error) return html`<${ErrorNote} error=${p.error} />`;
  if (!p.data) return null;
  const { baseline, during, change, series, start, end } = p.data;
  const pct = baseline && change !== null && baseline.w !== 0 ? ` (${change > 0 ? "+" : ""}${((change / Math.abs(baseline.w)) * 100).toFixed(1)} %)` : "";
  return html`<div>
    <div class="grid kpis three">
      <${Kpi} label="Baseline" value=${power(baseline?.w)} sub=${baseline?.method ?? "no readings before the start"} />
      <${Kpi} label="Actual during the event" value=${power(during)} sub="mean since the start" />
      <${Kpi} label="Change" value=${change === null ? "–" : `${change > 0 ? "+" : ""}${power(change)}`} tone=${change !== null && change < 0 ? "good" : ""} sub=${change === null ? "needs baseline and readings" : `against the baseline${pct}`} />
    </div>
    ${series.length > 1
      ? html`<${PowerChart} samples=${series} baseline=${baseline?.w ?? null} window=${{ start: Date.parse(start), end: end ? Date.parse(end) : undefined }} height=${260} />`
      : html`<${Empty}>No building power readings around this event.<//>`}
    <div class="legend"><i class="swatch actual"></i>actual <i class="swatch baseline"></i>baseline <i class="swatch window"></i>event window</div>
  </div>`;
}

function Detail({ id, version }) {
  const signedIn = useSignedIn();
  const d = useFetch(() => api.get(`/events/${encodeURIComponent(id)}`), [id, version]);
  const [error, setError] = useState();
  if (d.error) return html`<${ErrorNote} error=${d.error} />`;
  const e = d.data;
  if (!e) return html`<${Empty}>Loading…<//>`;
  const first = e.messages[0];
  const canEnd = signedIn && e.state === "active" && first?.origin?.protocol === "operator";

  async function endNow() {
    setError(undefined);
    try {
      await api.post("/messages", endMessage(e.messages.at(-1)));
      refreshEvents();
    } catch (err) {
      setError(err);
    }
  }

  return html`<div class="stack" id="event-detail">
    <${Card} title=${html`${e.title} <${Badge} value=${e.state} />`} actions=${canEnd && html`<button class="danger small" onClick=${endNow}>End now</button>`}>
      <dl class="facts">
        <dt>Window</dt><dd>${span(e.start, e.end)}</dd>
        <dt>Source</dt><dd>${e.source}</dd>
        <dt>Event</dt><dd class="mono">${e.id}</dd>
        ${e.protocol && html`<dt>Protocol</dt><dd>${e.protocol.protocol} ${e.protocol.ref} (modification ${e.protocol.modification})</dd>`}
        ${e.optState && html`<dt>Opt</dt><dd><${Badge} value=${e.optState} /></dd>`}
        <dt>Received</dt><dd>${dateTime(e.received)}</dd>
      </dl>
      <${ErrorNote} error=${error} />
      <${PowerPanel} id=${id} version=${version} />
    <//>
    <${Card} title=${`Device actions (${e.actions.length})`}><div id="event-actions"><${ActionRows} actions=${e.actions} limit=${500} /></div><//>
    <div class="grid halves">
      <${Card} title="Device results">
        ${e.results.length ? html`<table class="table compact"><thead><tr><th>Time</th><th>Device</th><th>Outcome</th><th>Reason</th></tr></thead>
          <tbody>${e.results.map((r) => html`<tr><td class="mono nowrap">${time(r.at)}</td><td>${r.device}</td><td><${Badge} value=${r.outcome} /></td><td class="small">${r.reason ?? ""}</td></tr>`)}</tbody></table>`
          : html`<${Empty}>No device has reported a result.<//>`}
      <//>
      <${Card} title="Opt decisions and reports">
        ${e.audit.length ? html`<table class="table compact"><thead><tr><th>Time</th><th>Who</th><th>What</th><th>Outcome</th></tr></thead>
          <tbody>${e.audit.map((a) => html`<tr><td class="mono nowrap">${time(a.ts)}</td><td>${a.actor}</td><td class="mono">${a.action}</td><td><${Badge} value=${a.outcome} /></td></tr>`)}</tbody></table>`
          : html`<${Empty}>None recorded for this event.<//>`}
      <//>
    </div>
    <${Card} title=${`Messages (${e.messages.length})`}>
      ${e.messages.map((m, i) => html`<details open=${i === 0 && e.messages.length === 1}><summary>${time(m.created)} · ${m.type} · <span class="mono">${m.id}</span></summary><${Json} value=${m} /></details>`)}
    <//>
  </div>`;
}

export function Events({ arg }) {
  const version = useLive((s) => s.eventsVersion);
  const list = useFetch(() => api.get("/events?limit=200"), [version]);
  const selected = arg ?? list.data?.[0]?.id;
  return html`<div class="page split">
    <aside><${Card} title="Timeline">${list.error ? html`<${ErrorNote} error=${list.error} />` : html`<${Timeline} events=${list.data} selected=${selected} />`}<//></aside>
    <section>${selected ? html`<${Detail} id=${selected} version=${version} />` : html`<${Empty}>Select an event.<//>`}</section>
  </div>`;
}
