/** ISO 8601 durations with fractional seconds kept (the model's toDuration rounds to whole seconds). */
export function toDurationPrecise(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = Number(s.toFixed(3));
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${sec || (!h && !m) ? `${sec}S` : ""}`;
}

export const iso = (t: number) => new Date(t).toISOString();
