/** The grid's state as the CEM acts on it: the traffic light (004 §3.4.5.1) and whether a disaster is declared. */
export type Light = "green" | "yellow" | "red";

export class GridMode {
  light: Light = "green";
  disaster = false;
  private listeners = new Set<(mode: GridMode) => Promise<void> | void>();

  /** Market-driven planning (flexible starts, price response) runs only at green and outside a disaster. */
  get market(): boolean {
    return this.light === "green" && !this.disaster;
  }

  async set(change: { light?: Light; disaster?: boolean }) {
    const before = `${this.light}/${this.disaster}`;
    this.light = change.light ?? this.light;
    this.disaster = change.disaster ?? this.disaster;
    if (before !== `${this.light}/${this.disaster}`) for (const fn of this.listeners) await fn(this);
  }

  onChange(fn: (mode: GridMode) => Promise<void> | void) {
    this.listeners.add(fn);
  }
}
