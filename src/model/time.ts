/** ISO 8601 durations and slot arithmetic shared by the mapping engine and the adapters. */
const DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration; years and months count as 365 and 30 days (calendar-free, as in OpenADR). */
export function durationMs(d: string): number {
  const m = DURATION.exec(d);
  if (!m || d === "P" || d.endsWith("T")) throw new RangeError(`not an ISO 8601 duration: ${d}`);
  const [y, mo, w, day, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0));
  return ((((y * 365 + mo * 30 + w * 7 + day) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}

export function toDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${r || (!h && !m) ? `${r}S` : ""}`;
}

export interface TimedSlot<S> { slot: S; index: number; start: number; end: number }

/** Places slots on the time line: a slot without start follows the previous one; the first defaults to `origin`. */
export function placeSlots<S extends { start?: string; duration: string }>(slots: S[], origin: number): TimedSlot<S>[] {
  let cursor = origin;
  return slots.map((slot, index) => {
    const start = slot.start ? Date.parse(slot.start) : cursor;
    const end = start + durationMs(slot.duration);
    cursor = end;
    return { slot, index, start, end };
  });
}

export function slotAt<S extends { start?: string; duration: string }>(slots: S[], origin: number, at: number): TimedSlot<S> | undefined {
  return placeSlots(slots, origin).find((s) => s.start <= at && at < s.end);
}
