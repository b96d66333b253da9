/**
 * Splitting a requested reduction across devices by the customer's priorities: the least important class gives
 * first, all it can, before the next class is touched; inside the class that covers the remainder, each device
 * gives in proportion to its available flexibility.
 */
export interface Flex { id: string; priority: number; availableW: number }
export interface Split { shares: { id: string; shareW: number }[]; achievedW: number }

export function split(requestW: number, candidates: Flex[]): Split {
  const shares: Split["shares"] = [];
  let remaining = Math.max(0, requestW);
  const classes = [...new Set(candidates.map((c) => c.priority))].sort((a, b) => a - b);
  for (const p of classes) {
    if (remaining <= 0) break;
    const members = candidates.filter((c) => c.priority === p && c.availableW > 0).sort((a, b) => a.id.localeCompare(b.id));
    const total = members.reduce((a, c) => a + c.availableW, 0);
    if (total <= 0) continue;
    const take = Math.min(total, remaining);
    for (const m of members) shares.push({ id: m.id, shareW: (m.availableW * take) / total });
    remaining -= take;
  }
  return { shares, achievedW: Math.max(0, requestW) - remaining };
}
