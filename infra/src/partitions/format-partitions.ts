/** `partitions`: who owns which partition of each consumer group, and how far behind it is (pure). */

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  /** topic -> partitions assigned to this member. */
  readonly assignment: Readonly<Record<string, readonly number[]>>;
}

export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset; undefined when it has committed none. */
  readonly committed?: bigint;
  /** The end of the partition (high watermark). */
  readonly end: bigint;
}

export interface GroupReport {
  readonly groupId: string;
  /** The coordinator's state: Stable, Empty, PreparingRebalance, Dead, ... */
  readonly state: string;
  readonly members: readonly GroupMember[];
  readonly partitions: readonly PartitionOffsets[];
}

/** How far the group is behind on a partition: end − committed; undefined with nothing committed. */
export const lagOf = (p: PartitionOffsets): bigint | undefined =>
  p.committed === undefined ? undefined : p.end > p.committed ? p.end - p.committed : 0n;

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The report as text: per group, one row per partition with its owner (the instance the client id
 * belongs to, as `instanceOf` names it, else the client id), the owner's host, the committed
 * offset, the end and the lag; then the members that own nothing, and the group's total lag.
 */
export function formatPartitions(
  groups: readonly GroupReport[],
  instanceOf: (clientId: string) => string | undefined = () => undefined,
): string {
  const out: string[] = [];
  for (const g of groups) {
    const owner = new Map<string, GroupMember>();
    for (const m of g.members)
      for (const [topic, parts] of Object.entries(m.assignment)) for (const p of parts) owner.set(`${topic}/${p}`, m);
    const who = (m: GroupMember | undefined): string =>
      m === undefined ? '-' : (instanceOf(m.clientId) ?? m.clientId);
    const sorted = [...g.partitions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const total = sorted.reduce((sum, p) => sum + (lagOf(p) ?? 0n), 0n);
    out.push(`group ${g.groupId} (${g.state}, ${g.members.length} member${g.members.length === 1 ? '' : 's'})`);
    const rows = [['  TOPIC', 'PARTITION', 'OWNER', 'CLIENT ID', 'HOST', 'COMMITTED', 'END', 'LAG']];
    for (const p of sorted) {
      const m = owner.get(`${p.topic}/${p.partition}`);
      const lag = lagOf(p);
      rows.push([
        `  ${p.topic}`,
        String(p.partition),
        who(m),
        m?.clientId ?? '-',
        m?.host ?? '-',
        p.committed === undefined ? '-' : String(p.committed),
        String(p.end),
        lag === undefined ? '-' : String(lag),
      ]);
    }
    out.push(...table(rows));
    const idle = g.members.filter((m) => Object.values(m.assignment).every((parts) => parts.length === 0));
    if (idle.length > 0) out.push(`  no partitions: ${idle.map((m) => `${who(m)} (${m.host})`).join(', ')}`);
    out.push(`  total lag ${total}`);
    out.push('');
  }
  return out.join('\n');
}
