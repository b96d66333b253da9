// Device and point browser: every device with its adapter and table; for one device, each point's definition and
// live value (engineering value, raw value, quality, age), updated as the device reports.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { ago, value } from "../lib/format.js";
import { deviceState, useDeviceValues, useLive, useSignedIn } from "../lib/live.js";
import { href } from "../lib/route.js";
import { Badge, Card, Empty, ErrorNote, useFetch, useNow } from "../components/bits.js";

function DeviceList({ devices, selected }) {
  const live = useLive((s) => s.devices);
  return html`<ul class="rows">${devices.map((d) => html`<li class=${d.id === selected ? "selected" : ""}>
    <a class="row-link" href=${href("devices", d.id)}>
      <span class=${`dot ${deviceState(live[d.id] ?? d.values).state}`}></span>
      <span class="grow"><strong>${d.id}</strong><small class="muted">${d.deviceClass ?? "device"} · ${d.adapter}</small></span>
      <small class="muted">${d.pointCount} point${d.pointCount === 1 ? "" : "s"}</small>
    </a></li>`)}</ul>`;
}

function Points({ device, requireSignIn }) {
  const now = useNow(1000);
  const signedIn = useSignedIn();
  const values = useDeviceValues(device.id, device.values);
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);

  async function readNow() {
    if (!signedIn) return requireSignIn();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/devices/${encodeURIComponent(device.id)}/read`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<${Card} title=${device.id} actions=${html`<button class="small" onClick=${readNow} disabled=${busy}>${busy ? "Reading…" : "Read now"}</button>`}>
    <dl class="facts">
      <dt>Adapter</dt><dd>${device.adapter}</dd>
      <dt>Table</dt><dd>${device.table ? html`<a href=${href("mappings", device.table)}>${device.table}</a>` : "–"}</dd>
      <dt>Class</dt><dd>${device.deviceClass ?? "–"}</dd>
      <dt>Address</dt><dd class="mono">${JSON.stringify(device.address)}</dd>
      <dt>Groups</dt><dd>${device.groups.join(", ") || "–"}</dd>
    </dl>
    <${ErrorNote} error=${error} />
    <table class="table points">
      <thead><tr><th>Point</th><th>Value</th><th>Raw</th><th>Quality</th><th>Updated</th><th>Access</th><th>Type</th><th>Range</th><th>Address</th></tr></thead>
      <tbody>${device.points.map((p) => {
        const v = values?.[p.point];
        return html`<tr>
          <td><span class="mono">${p.point}</span>${p.description && html`<small class="muted block">${p.description}</small>`}</td>
          <td class="mono strong">${v ? value(v.value, p.unit) : "–"}</td>
          <td class="mono muted">${v && v.raw !== undefined ? JSON.stringify(v.raw) : ""}</td>
          <td>${v ? html`<${Badge} value=${v.quality} title=${v.error} />` : html`<span class="muted small">${p.access === "w" ? "write-only" : p.poll ? "not read yet" : "on demand"}</span>`}</td>
          <td class="small muted">${v ? ago(v.ts, now) : ""}</td>
          <td>${p.access}</td>
          <td class="small">${p.type}${p.labels ? html`<small class="muted block">${p.labels.join(" | ")}</small>` : ""}</td>
          <td class="small">${p.min !== undefined || p.max !== undefined ? `${p.min ?? ""} … ${p.max ?? ""}` : ""}</td>
          <td class="mono small muted">${JSON.stringify(p.address)}</td>
        </tr>`;
      })}</tbody>
    </table>
  <//>`;
}

export function Devices({ arg, requireSignIn }) {
  const list = useFetch(() => api.get("/devices"), []);
  const selected = arg ?? list.data?.[0]?.id;
  const detail = useFetch(() => (selected ? api.get(`/devices/${encodeURIComponent(selected)}`) : Promise.resolve(undefined)), [selected]);
  return html`<div class="page split">
    <aside><${Card} title="Devices">${list.error ? html`<${ErrorNote} error=${list.error} />` : list.data ? html`<${DeviceList} devices=${list.data} selected=${selected} />` : html`<${Empty}>Loading…<//>`}<//></aside>
    <section>${detail.error ? html`<${ErrorNote} error=${detail.error} />` : detail.data ? html`<${Points} device=${detail.data} requireSignIn=${requireSignIn} />` : html`<${Empty}>Select a device.<//>`}</section>
  </div>`;
}
