// Test events an integrator sends from the UI to see the building answer: neutral LoadGenerationManagement
// messages (what a VTN's event becomes inside the hub), tagged with an operator origin so they can be ended early.

export const PRESETS = {
  shed: { label: "Shed load (decrease consumption)", request: "decrease", direction: "consumption", urgency: "high", kw: 10 },
  discharge: { label: "Discharge storage (increase generation)", request: "increase", direction: "generation", urgency: "normal", kw: 3 },
  curtail: { label: "Curtail PV (limit generation to %)", request: "limit", direction: "generation", urgency: "normal", percent: 50 },
};

export function demoMessage({ preset, kw, percent, minutes, urgency }, site) {
  const p = PRESETS[preset];
  const slot = { duration: `PT${Math.max(1, Math.round(minutes))}M`, ...(p.percent !== undefined ? { relative: Number(percent) } : { power: { value: Number(kw), multiplier: 3, unit: "W" } }) };
  return {
    type: "LoadGenerationManagement",
    targets: [{ kind: "all" }],
    origin: { protocol: "operator", ref: crypto.randomUUID() },
    body: {
      scope: { kind: "building", id: site }, direction: p.direction, request: p.request,
      urgency: urgency ?? p.urgency, mandatory: false, slots: [slot],
    },
  };
}

/** A revision of an operator event that ends it now (the actuator restores the devices). */
export function endMessage(original) {
  const start = original.validity?.start ?? original.created;
  return {
    type: original.type, targets: original.targets, origin: original.origin, body: original.body,
    validity: { start, end: new Date(Math.max(Date.now(), Date.parse(start) + 1000)).toISOString() },
  };
}
