/** Group membership kept by the hub (004 §3.3 item 11; 802.21 group create/delete/update): resolved before device writes. */
export class GroupRegistry {
  private members = new Map<string, Set<string>>();

  set(group: string, devices: Iterable<string>) {
    this.members.set(group, new Set(devices));
  }

  add(group: string, device: string) {
    const m = this.members.get(group) ?? new Set<string>();
    m.add(device);
    this.members.set(group, m);
  }

  remove(group: string, device?: string) {
    if (device === undefined) return this.members.delete(group);
    return this.members.get(group)?.delete(device) ?? false;
  }

  has(group: string, device: string): boolean {
    return this.members.get(group)?.has(device) ?? false;
  }

  groupsOf(device: string): string[] {
    return [...this.members].filter(([, m]) => m.has(device)).map(([g]) => g);
  }

  list(): Record<string, string[]> {
    return Object.fromEntries([...this.members].map(([g, m]) => [g, [...m].sort()]));
  }
}
