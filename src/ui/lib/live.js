// Live state shared by every page: adapter health, building power, device actions, bus messages, device values,
// jobs, and a version number that moves whenever an event changes. Filled from the REST API once, then from the
// stream. Components read it with useLive(select) and re-render only when what they selected changes.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, auth } from "./api.js";
import { openStream } from "./stream.js";

const POWER_WINDOW_MS = 60 * 60_000;
const KEEP_ACTIONS = 200;
const KEEP_MESSAGES = 300;

const state = {
  connected: false,
  adapters: {},
  power: { current: null, series: [] },
  actuations: [],
  messages: [],
  devices: {},
  jobs: {},
  eventsVersion: 0,
};
const subscribers = new Set();

function set(patch) {
  Object.assign(state, patch);
  subscribers.forEach((fn) => fn());
}

export function useLive(select) {
  const [, force] = useState(0);
  const selector = useRef(select);
  const last = useRef();
  selector.current = select;
  last.current = select(state);
  useEffect(() => {
    const fn = () => {
      if (!Object.is(selector.current(state), last.current)) force((n) => n + 1);
    };
    subscribers.add(fn);
    return () => subscribers.delete(fn);
  }, []);
  return last.current;
}

let eventsTimer;
function eventsChanged() {
  // one event causes a burst of actions: refetch once per burst
  clearTimeout(eventsTimer);
  eventsTimer = setTimeout(() => set({ eventsVersion: state.eventsVersion + 1 }), 250);
}

const handlers = {
  health: (adapters) => set({ adapters }),
  power: (sample) => {
    const from = Date.now() - POWER_WINDOW_MS;
    const series = [...state.power.series.filter((s) => Date.parse(s.at) >= from), sample];
    set({ power: { current: sample.w, series } });
  },
  actuation: (rec) => set({ actuations: [...state.actuations, rec].slice(-KEEP_ACTIONS) }),
  message: (msg) => set({ messages: [...state.messages, msg].slice(-KEEP_MESSAGES) }),
  device: ({ id, values }) => set({ devices: { ...state.devices, [id]: values } }),
  job: (job) => set({ jobs: { ...state.jobs, [job.id]: job } }),
  event: eventsChanged,
};

async function load() {
  try {
    const [adapters, power, actuations] = await Promise.all([api.get("/adapters"), api.get("/power?minutes=60"), api.get("/actuations")]);
    set({ adapters, power: { current: power.current, series: power.series }, actuations: actuations.recent });
  } catch {
    // reads refused (API off the loopback without a token): the sign-in prompt says so
  }
}

let stream;
export function startLive() {
  stream = openStream({
    onEvent: (topic, data) => handlers[topic]?.(data),
    onStatus: (connected) => {
      // (re)connected: fetch what the stream may have missed meanwhile
      if (connected && !state.connected) {
        load();
        eventsChanged();
      }
      set({ connected });
    },
  });
  auth.onChange(() => stream.restart());
}

/** Asks every page showing events to refetch (after an action of this tab, without waiting for the stream). */
export const refreshEvents = eventsChanged;

/** The latest values of one device: from the stream when it has reported since, else from `initial`. */
export function useDeviceValues(id, initial) {
  return useLive((s) => s.devices[id]) ?? initial;
}

export function useSignedIn() {
  const [signedIn, setSignedIn] = useState(Boolean(auth.token()));
  useEffect(() => auth.onChange(() => setSignedIn(Boolean(auth.token()))), []);
  return signedIn;
}

/** A device's state from its live values: up, degraded (some not good), down (none answer), pending (not read). */
export function deviceState(values) {
  const vals = Object.values(values ?? {});
  if (!vals.length) return { state: "pending", updated: undefined };
  const updated = vals.map((v) => v.ts).sort().at(-1);
  if (vals.every((v) => v.quality === "bad")) return { state: "down", updated };
  return { state: vals.some((v) => v.quality !== "good") ? "degraded" : "up", updated };
}
