// Mapping tables: what each table maps, a dry run (which point writes a message would cause, computed by the hub's
// own engine, nothing written), and validation of a table before it is deployed.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useSignedIn } from "../lib/live.js";
import { demoMessage } from "../lib/demo.js";
import { href } from "../lib/route.js";
import { Badge, Card, Empty, ErrorNote, Json, useFetch } from "../components/bits.js";

function templates(site) {
  const strip = ({ origin: _o, ...m }) => m;
  return {
    "Shed load (decrease consumption)": strip(demoMessage({ preset: "shed", kw: 10, minutes: 15, urgency: "high" }, site)),
    "Discharge storage (increase generation)": strip(demoMessage({ preset: "discharge", kw: 3, minutes: 15 }, site)),
    "Curtail PV to 50 %": strip(demoMessage({ preset: "curtail", percent: 50, minutes: 15 }, site)),
    "Emergency start": { type: "Emergency", targets: [{ kind: "all" }], body: { phase: "start", mode: "emergency-connected-off", level: 3 } },
    "Command standby (one device)": { type: "Command", targets: [{ kind: "device", id: "DEVICE" }], body: { device: "DEVICE", command: { action: "standby" } } },
  };
}

/** Why a point gets no value: its source is absent from the message, or it needs the device's current value. */
function unclaimed(w, device) {
  if (w.from === "current") return device ? "the device did not give its current value" : "needs the current value: evaluate against a device";
  return `not claimed: the message has no ${w.from ?? "value"} for this slot`;
}

function DryRun({ table, devices, site, requireSignIn }) {
  const signedIn = useSignedIn();
  const tpl = templates(site);
  const [target, setTarget] = useState("");
  const [text, setText] = useState(JSON.stringify(Object.values(tpl)[0], null, 2));
  const [result, setResult] = useState();
  const [error, setError] = useState();
  useEffect(() => { setResult(undefined); setError(undefined); }, [table]);

  async function run(e) {
    e.preventDefault();
    if (!signedIn) return requireSignIn();
    setError(undefined);
    setResult(undefined);
    let message;
    try {
      message = JSON.parse(text);
    } catch (err) {
      return setError({ message: `the message is not valid JSON: ${err.message}` });
    }
    try {
      setResult(await api.post("/mappings/dry-run", { ...(target ? { device: target } : { table }), message }));
    } catch (err) {
      setError(err);
    }
  }

  return html`<form class="form" id="dry-run" onSubmit=${run}>
    <div class="row">
      <label>Template<select onChange=${(e) => setText(JSON.stringify(tpl[e.target.value], null, 2))}>${Object.keys(tpl).map((k) => html`<option>${k}</option>`)}</select></label>
      <label>Evaluate against<select name="target" value=${target} onChange=${(e) => setTarget(e.target.value)}>
        <option value="">the table alone</option>
        ${devices.map((d) => html`<option value=${d}>device ${d} (its live values)</option>`)}
      </select></label>
    </div>
    <label>Neutral message (JSON; id, source and created are filled in)
      <textarea class="code" rows="14" spellcheck="false" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    </label>
    <div class="row between"><span class="muted small">Reads the device (when one is chosen); writes nothing.</span><button type="submit" class="primary">${signedIn ? "Dry run" : "Sign in to dry run"}</button></div>
    <${ErrorNote} error=${error} />
    ${result && html`<div class="result">
      <p>${result.rule ? html`Rule <strong class="mono">${result.rule.trigger}[${result.rule.index}]</strong> matches${result.rule.description ? html` — ${result.rule.description}` : ""}.` : html`<strong>No rule of this table matches the message</strong>: nothing would be written.`}</p>
      ${result.writes.length > 0 && html`<table class="table compact">
        <thead><tr><th>Point</th><th>Kind</th><th>Value</th><th>Raw (to the adapter)</th><th>Priority</th><th>Restore</th><th>Problem</th></tr></thead>
        <tbody>${result.writes.map((w) => html`<tr class=${w.error ? "failed" : ""}>
          <td class="mono">${w.point}</td><td>${w.kind === "while" ? "held" : "once"}</td><td class="mono strong">${w.value === undefined ? "–" : JSON.stringify(w.value)}</td>
          <td class="mono">${w.raw === undefined ? "–" : JSON.stringify(w.raw)}</td><td>${w.priority}</td>
          <td class="small">${w.restore === undefined ? "" : typeof w.restore === "string" ? w.restore : JSON.stringify(w.restore)}</td>
          <td class="small">${w.error ? html`<span class="bad-text">${w.error}</span>` : w.value === undefined ? html`<span class="muted">${unclaimed(w, result.device)}</span>` : ""}</td></tr>`)}</tbody>
      </table>`}
      <p class="muted small">Nothing was written to any device.</p>
    </div>`}
  </form>`;
}

function Validate() {
  const [text, setText] = useState("");
  const [result, setResult] = useState();
  const [error, setError] = useState();
  async function run(e) {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.post("/mappings/validate", text, "text/yaml"));
    } catch (err) {
      if (err.status === 422) setResult(err.body);
      else setError(err);
    }
  }
  return html`<form class="form" onSubmit=${run}>
    <label>Mapping table (YAML)<textarea class="code" rows="10" spellcheck="false" placeholder=${"table: my-device/modbus\nprotocol: modbus\npoints:\n  …"} value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <div class="row end"><button type="submit" disabled=${!text.trim()}>Validate</button></div>
    <${ErrorNote} error=${error} />
    ${result?.ok && html`<p class="ok-text">Valid: ${result.tables.join(", ")}</p>`}
    ${result && !result.ok && html`<table class="table compact"><thead><tr><th>Line</th><th>Field</th><th>Problem</th></tr></thead>
      <tbody>${result.errors.map((x) => html`<tr><td class="mono">${x.line}:${x.col}</td><td class="mono">${x.field}</td><td>${x.message}</td></tr>`)}</tbody></table>`}
  </form>`;
}

function TableView({ id }) {
  const t = useFetch(() => api.get(`/mappings/${id}`), [id]);
  if (t.error) return html`<${ErrorNote} error=${t.error} />`;
  if (!t.data) return html`<${Empty}>Loading…<//>`;
  const table = t.data;
  return html`<div>
    ${table.description && html`<p>${table.description}</p>`}
    <table class="table compact">
      <thead><tr><th>Point</th><th>Type</th><th>Unit</th><th>Access</th><th>Read</th><th>Address</th></tr></thead>
      <tbody>${Object.entries(table.points).map(([name, p]) => html`<tr>
        <td class="mono">${name}</td><td>${p.type}${p.values ? html`<small class="muted block">${Object.keys(p.values).join(" | ")}</small>` : ""}</td>
        <td>${p.unit ?? ""}</td><td>${p.access}</td><td class="small">${p.poll ? `every ${p.poll}` : p.subscribe ? "on change" : ""}</td><td class="mono small muted">${JSON.stringify(p.address)}</td></tr>`)}</tbody>
    </table>
    <h3>Rules</h3>
    ${Object.entries(table.on ?? {}).map(([trigger, rules]) => html`<details><summary><span class="mono">${trigger}</span> · ${rules.length} rule${rules.length === 1 ? "" : "s"}</summary><${Json} value=${rules} /></details>`)}
  </div>`;
}

export function Mappings({ arg, site, requireSignIn }) {
  const list = useFetch(() => api.get("/mappings"), []);
  const selected = arg ?? list.data?.[0]?.table;
  const current = list.data?.find((t) => t.table === selected);
  return html`<div class="page split">
    <aside><${Card} title="Tables">
      ${list.error ? html`<${ErrorNote} error=${list.error} />` : html`<ul class="rows">${(list.data ?? []).map((t) => html`<li class=${t.table === selected ? "selected" : ""}>
        <a class="row-link" href=${href("mappings", t.table)}><span class="grow"><strong class="mono">${t.table}</strong>
          <small class="muted">${t.points} point${t.points === 1 ? "" : "s"} · ${t.triggers.join(", ") || "no rules"}</small></span>
          ${t.devices.length > 0 && html`<${Badge} value=${`${t.devices.length} dev`} />`}</a></li>`)}</ul>`}
    <//></aside>
    <section class="stack">
      ${current && html`<${Card} title=${html`<span class="mono">${current.table}</span>`} actions=${html`<span class="muted small">${current.file}</span>`}><${TableView} id=${current.table} /><//>`}
      ${current && html`<${Card} title="Dry run a message"><${DryRun} table=${current.table} devices=${current.devices} site=${site ?? "site"} requireSignIn=${requireSignIn} /><//>`}
      <${Card} title="Validate a table"><${Validate} /><//>
    </section>
  </div>`;
}
