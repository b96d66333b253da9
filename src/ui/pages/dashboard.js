// What an integrator checks first: is everything connected, what is the building drawing, what is the grid asking,
// what did the hub do about it. Plus a test event to see the chain work end to end.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { demoMessage, PRESETS } from "../lib/demo.js";
import { ago, power, span, time, value } from "../lib/format.js";
import { deviceState, refreshEvents, useLive, useSignedIn } from "../lib/live.js";
import { href } from "../lib/route.js";
import { Badge, Card, Empty, ErrorNote, Kpi, useFetch, useNow } from "../components/bits.js";
import { PowerChart } from "../components/power-chart.js";

function AdapterList({ adapters }) {
  const entries = Object.entries(adapters);
  if (!entries.length) return html`<${Empty}>No adapters configured.<//>`;
  return html`<ul class="chips">${entries.map(([name, a]) => html`<li class=${`chip ${a.state}`} title=${a.lastError?.message ?? a.state}>
    <span class="dot"></span>${name}<small>${a.protocol}</small></li>`)}</ul>`;
}

export function EventRows({ events }) {
  if (!events?.length) return html`<${Empty}>No grid events yet. Send a test event, or wait for the grid.<//>`;
  return html`<ul class="rows">${events.map((e) => html`<li>
    <a class="row-link" href=${href("events", e.id)}>
      <${Badge} value=${e.state} />
      <span class="grow"><strong>${e.title}</strong><small class="muted">${e.source} · ${span(e.start, e.end)}</small></span>
      <span class="right"><strong>${e.devices.length}</strong> device${e.devices.length === 1 ? "" : "s"}<small class="muted">${e.actions} action${e.actions === 1 ? "" : "s"}${e.failed ? html`, <span class="bad-text">${e.failed} failed</span>` : ""}</small></span>
    </a>
  </li>`)}</ul>`;
}

export function ActionRows({ actions, limit = 12 }) {
  if (!actions.length) return html`<${Empty}>No device actions yet.<//>`;
  return html`<table class="table compact">
    <thead><tr><th>Time</th><th>Device</th><th>Point</th><th>Value</th><th>Action</th><th></th></tr></thead>
    <tbody>${[...actions].reverse().slice(0, limit).map((a) => html`<tr class=${a.ok ? "" : "failed"}>
      <td class="mono nowrap">${time(a.at)}</td><td><a href=${href("devices", a.device)}>${a.device}</a></td><td class="mono">${a.point}</td>
      <td class="mono">${a.action === "relinquish" ? "(released)" : value(a.value)}</td><td><${Badge} value=${a.action} title=${a.trigger} /></td>
      <td>${a.ok ? html`<span class="ok-text">✓</span>` : html`<span class="bad-text" title=${a.error}>✗ ${a.error}</span>`}</td>
    </tr>`)}</tbody>
  </table>`;
}

function DeviceRows({ devices, now }) {
  const live = useLive((s) => s.devices);
  if (!devices?.length) return html`<${Empty}>No devices configured.<//>`;
  return html`<table class="table compact">
    <thead><tr><th></th><th>Device</th><th>Class</th><th>Adapter</th><th>Table</th><th>Points read</th><th>Last reading</th></tr></thead>
    <tbody>${devices.map((d) => {
      const values = live[d.id] ?? d.values;
      const { state, updated } = deviceState(values);
      const good = Object.values(values ?? {}).filter((v) => v.quality !== "bad").length;
      return html`<tr>
        <td><span class=${`dot ${state}`} title=${state}></span></td>
        <td><a href=${href("devices", d.id)}><strong>${d.id}</strong></a></td><td>${d.deviceClass ?? "–"}</td><td>${d.adapter}</td>
        <td class="mono small">${d.table ?? "–"}</td><td>${good} / ${d.pointCount}</td><td class="small muted">${updated ? ago(updated, now) : "not read yet"}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

function DemoForm({ site, requireSignIn }) {
  const signedIn = useSignedIn();
  const [form, setForm] = useState({ preset: "shed", kw: PRESETS.shed.kw, percent: 50, minutes: 15, urgency: PRESETS.shed.urgency });
  const [sent, setSent] = useState();
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);
  const preset = PRESETS[form.preset];
  const field = (k) => (e) => setForm({ ...form, [k]: e.target.value });

  async function send(e) {
    e.preventDefault();
    if (!signedIn) return requireSignIn();
    setBusy(true);
    setError(undefined);
    try {
      const msg = demoMessage(form, site ?? "site");
      await api.post("/messages", msg);
      setSent({ id: `operator:${msg.origin.ref}`, at: new Date().toISOString() });
      refreshEvents();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<form id="demo-form" class="form" onSubmit=${send}>
    <label>Request
      <select name="preset" value=${form.preset} onChange=${(e) => setForm({ ...form, preset: e.target.value, urgency: PRESETS[e.target.value].urgency, kw: PRESETS[e.target.value].kw ?? form.kw })}>
        ${Object.entries(PRESETS).map(([k, p]) => html`<option value=${k}>${p.label}</option>`)}
      </select>
    </label>
    <div class="row">
      ${preset.percent !== undefined
        ? html`<label>Limit (%)<input type="number" min="0" max="100" value=${form.percent} onInput=${field("percent")} /></label>`
        : html`<label>Power (kW)<input type="number" min="0" step="0.1" value=${form.kw} onInput=${field("kw")} /></label>`}
      <label>Duration (min)<input type="number" min="1" max="1440" value=${form.minutes} onInput=${field("minutes")} /></label>
      <label>Urgency<select value=${form.urgency} onChange=${field("urgency")}>${["low", "normal", "high", "critical"].map((u) => html`<option>${u}</option>`)}</select></label>
    </div>
    <p class="muted small">Publishes a neutral LoadGenerationManagement for the whole building, as a grid event would arrive. Devices act as their mapping tables say.</p>
    <${ErrorNote} error=${error} />
    <div class="row between">
      ${sent ? html`<span class="ok-text small">Sent at ${time(sent.at)} · <a href=${href("events", sent.id)}>open event</a></span>` : html`<span></span>`}
      <button type="submit" class="primary" disabled=${busy}>${signedIn ? "Send test event" : "Sign in to send"}</button>
    </div>
  </form>`;
}

export function Dashboard({ site, requireSignIn }) {
  const now = useNow(5000);
  const adapters = useLive((s) => s.adapters);
  const powerNow = useLive((s) => s.power);
  const actions = useLive((s) => s.actuations);
  const version = useLive((s) => s.eventsVersion);
  const events = useFetch(() => api.get("/events?limit=8"), [version]);
  const devices = useFetch(() => api.get("/devices"), []);
  const list = Object.values(adapters);
  const up = list.filter((a) => a.state === "up").length;
  const active = (events.data ?? []).filter((e) => e.state === "active");
  const lastSample = powerNow.series.at(-1);
  const liveValues = useLive((s) => s.devices);
  const unreachable = (devices.data ?? []).filter((d) => deviceState(liveValues[d.id] ?? d.values).state === "down").length;

  return html`<div class="page dashboard">
    <div class="grid kpis">
      <${Kpi} label="Building power" value=${power(powerNow.current)} sub=${lastSample ? `${powerNow.current < 0 ? "net export" : "net import"} · ${ago(lastSample.at, now)}` : "no power reported yet"} />
      <${Kpi} label="Adapters up" value=${`${up} / ${list.length}`} tone=${up === list.length ? "good" : "bad"} sub=${html`<${AdapterList} adapters=${adapters} />`} />
      <${Kpi} label="Active events" value=${active.length} tone=${active.length ? "warn" : ""} sub=${active[0] ? active[0].title : "none in force"} />
      <${Kpi} label="Devices" value=${devices.data?.length ?? "–"} tone=${unreachable ? "bad" : ""} sub=${unreachable ? `${unreachable} unreachable` : "all answering"} />
    </div>
    <div class="grid main-side">
      <${Card} title="Building power · last hour" actions=${html`<span class="legend"><i class="swatch actual"></i>net import (kW)</span>`}>
        ${powerNow.series.length > 1 ? html`<${PowerChart} samples=${powerNow.series} height=${250} />` : html`<${Empty}>Waiting for power readings (meters, or devices that report power).<//>`}
      <//>
      <${Card} title="Send a test event"><${DemoForm} site=${site} requireSignIn=${requireSignIn} /><//>
    </div>
    <div class="grid halves">
      <${Card} title="Grid events" actions=${html`<a href="#/events">all events →</a>`}>
        <div id="dash-events">${events.error ? html`<${ErrorNote} error=${events.error} />` : html`<${EventRows} events=${events.data} />`}</div>
      <//>
      <${Card} title="Device actions" actions=${html`<a href="#/log">log →</a>`}>
        <div id="dash-actions"><${ActionRows} actions=${actions} /></div>
      <//>
    </div>
    <${Card} title="Devices" actions=${html`<a href="#/devices">points →</a>`}><${DeviceRows} devices=${devices.data} now=${now} /><//>
  </div>`;
}
