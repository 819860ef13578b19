import { latePublishMs, type Hops } from './e2e';
import { fmt, type Summary } from './measure';
import type { SustainResult } from './sustainable';

/** Cells and tables of the benchmark's report (report.ts), as markdown and as plain text. */

export const lat = (s: Summary | undefined) => (s ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : 'n/a');
export const verdict = (ok: boolean | undefined) =>
  ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**';

export function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The same rows as plain text, aligned, for the terminal. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

/** Where the late publishes were: one burst is a stall, spread out a slow relay. */
function lateNote(late: Hops['latePublishes']): string {
  if (late === undefined) return ''; // an older saved run without it
  if (late === null) return `; none over ${latePublishMs} ms`;
  return `; ${late.files} over ${latePublishMs} ms, committed ${fmt(late.fromS, 1)}–${fmt(late.toS, 1)} s into the phase (worst ${fmt(late.worstMs)} ms)`;
}

export function hopRows(label: string, h: Hops | undefined): string[][] {
  if (!h) return [[label, '', 'n/a', '']];
  return [
    [
      `${label}: commit -> published`,
      '',
      lat(h.commitToPublished),
      `${h.commitToPublished.n} files; ${h.commitTimes === 'commit timestamps' ? 'PostgreSQL commit time -> broker append time' : 'from tx start (track_commit_timestamp off)'}${lateNote(h.latePublishes)}`,
    ],
    ...(h.ackToPublished
      ? [
          [
            `${label}: 202 received -> published`,
            '',
            lat(h.ackToPublished),
            'published before the client saw its 202 when negative',
          ],
        ]
      : []),
    [`${label}: published -> uploaded`, '', lat(h.publishedToUploaded), ''],
    [`${label}: uploaded -> completed`, '', lat(h.uploadedToCompleted), ''],
    [`${label}: commit -> completed (total)`, '', lat(h.total), `${h.complete}/${h.files} completed`],
  ];
}

/** The search's steps in order: `440 held, 530 held, 640 not (latency rose: median 2844 -> 5164 ms), ...`. */
export function stepList(s: SustainResult): string {
  return s.steps.map((x) => `${fmt(x.rate)} ${x.sustained ? 'held' : `not (${x.why})`}`).join(', ');
}
