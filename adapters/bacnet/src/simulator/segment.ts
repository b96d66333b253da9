/**
 * The simulated IP subnet. Loopback has no broadcast, so a "broadcast" on the segment is sent to each member
 * (devices and the BBMD) in turn: what a local broadcast would reach on a real subnet.
 */
export class LoopbackSegment {
  private readonly members = new Set<string>();

  join(address: string): void {
    this.members.add(address);
  }

  leave(address: string): void {
    this.members.delete(address);
  }

  /** everyone a broadcast from `self` reaches */
  others(self: string): string[] {
    return [...this.members].filter((m) => m !== self);
  }
}
