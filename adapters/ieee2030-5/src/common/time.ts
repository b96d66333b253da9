/** 2030.5 TimeType (seconds since the epoch, UTC) <-> JavaScript times. */
export const toEpoch = (ms: number): number => Math.floor(ms / 1000);
export const isoOf = (s: number): string => new Date(s * 1000).toISOString();
