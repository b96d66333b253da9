// Formatting for an operator's eye: kW with sensible precision, local times, "12 s ago".

export function power(w) {
  if (w === null || w === undefined || Number.isNaN(w)) return "–";
  const abs = Math.abs(w);
  if (abs >= 1e6) return `${(w / 1e6).toFixed(2)} MW`;
  if (abs >= 1e3) return `${(w / 1e3).toFixed(abs >= 1e5 ? 0 : 1)} kW`;
  return `${Math.round(w)} W`;
}

export function time(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function dateTime(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? time(iso) : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "–";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function span(startIso, endIso) {
  if (!startIso) return "–";
  if (!endIso) return `${dateTime(startIso)} →`;
  const min = Math.round((Date.parse(endIso) - Date.parse(startIso)) / 60000);
  return `${dateTime(startIso)} – ${time(endIso)} (${min < 120 ? `${min} min` : `${(min / 60).toFixed(1)} h`})`;
}

export function ms(v) {
  if (v === null || v === undefined) return "–";
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** A device's discovery info in a line: its scalar fields (name, vendor, model, ...), not nested lists. */
export function infoLine(info) {
  return Object.entries(info ?? {}).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v)).slice(0, 4)
    .map(([k, v]) => `${k}: ${v}`).join(" · ");
}

export function value(v, unit) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") {
    const n = Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 2);
    return unit ? `${n} ${unit === "degC" ? "°C" : unit}` : n;
  }
  return String(v);
}
