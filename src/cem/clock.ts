/** Times of day ("finish by 07:00") in the site's zone, and the other forms a device may give a deadline in. */
const TOD = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?$/;

/** Offset of `zone` from UTC at instant `t`, in ms (positive east of Greenwich). */
function offsetMs(zone: string, t: number): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The next instant after `after` at which the site's clock shows this time of day. */
export function nextTimeOfDay(tod: string, zone: string, after: number): number {
  const m = TOD.exec(tod);
  if (!m) throw new RangeError(`not a time of day: ${tod}`);
  const ms = ((+m[1] * 60 + +m[2]) * 60 + +(m[3] ?? 0)) * 1000 + +(m[4] ?? "0").padEnd(3, "0");
  const local = after + offsetMs(zone, after);
  const midnight = Math.floor(local / 86_400_000) * 86_400_000;
  for (let day = 0; day <= 2; day++) {
    const candidateLocal = midnight + day * 86_400_000 + ms;
    const t = candidateLocal - offsetMs(zone, candidateLocal - offsetMs(zone, after));
    if (t > after) return t;
  }
  throw new RangeError(`no ${tod} after ${new Date(after).toISOString()}`);
}

/** A deadline as a device reports it: a time of day, an ISO date-time, or epoch seconds. */
export function deadlineOf(value: unknown, zone: string, after: number): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value * 1000;
  if (typeof value !== "string") return undefined;
  if (TOD.test(value)) return nextTimeOfDay(value, zone, after);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
