import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChartSvg, svgToPng, type Bar } from './chart';
import type { BenchOptions } from './options';
import { renderReport } from './report';
import type { BenchResults } from './results';
import { log } from './run-helpers';
import { repoRoot } from '../repo-root';

/** Print the table, write `.stack/bench/` (json, md, svg, png) and, with --docs, docs/benchmarks.{md,png}. */
export function writeOutputs(results: BenchResults, o: BenchOptions): void {
  const { stages, api, drains, e2e } = results;
  const outDir = join(repoRoot, '.stack/bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  const { table, markdown } = renderReport(results);
  console.log(`\n${table}\n`);
  writeFileSync(join(outDir, 'results.md'), markdown);

  const bars: Bar[] = [];
  const add = (label: string, value: number | undefined, group: Bar['group']) => {
    if (value !== undefined && Number.isFinite(value)) bars.push({ label, value, group });
  };
  add('raw Postgres write (file+outbox tx)', stages.postgres?.rate, 'stage');
  add('raw Postgres write, grouped as the API', stages.postgresGrouped?.rate, 'stage');
  add('raw Kafka produce (records)', stages.kafka?.rate, 'stage');
  add('raw S3 PutObject', stages.s3?.rate, 'stage');
  add('API POST /files (autocannon)', api?.rate, 'api');
  for (const d of drains) {
    if (d.notRun) continue;
    const batch = /batch (\d+)/.exec(d.relay)?.[1];
    const name = d.relay.split(' (')[0] ?? d.relay;
    add(`drain: ${name}${batch ? `, batch ${batch}` : ''}${d.finished ? '' : ' (partial)'}`, d.rate, 'drain');
  }
  for (const r of e2e) add(`end to end, ${r.mode}: sustainable files`, r.sustained?.rate ?? undefined, 'e2e');
  for (const r of results.scale?.runs ?? []) {
    add(`closed loop, ${r.instances} of each service: completed files`, r.completedPerSecond, 'e2e');
  }
  const svg = barChartSvg(
    `fileflow benchmark (${results.machine.cores} cores), ${results.startedAt.slice(0, 16)}Z`,
    bars,
  );
  writeFileSync(join(outDir, 'benchmarks.svg'), svg);
  const png = join(outDir, 'benchmarks.png');
  const rendered = svgToPng(svg, png);
  log(rendered ? `chart: ${png}` : 'chart: Chromium not found, wrote only the SVG');

  if (o.docs) {
    const docPath = join(repoRoot, 'docs/benchmarks.md');
    let doc: string;
    try {
      doc = readFileSync(docPath, 'utf8');
    } catch {
      doc = '# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n';
    }
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    doc =
      i >= 0 && j > i
        ? `${doc.slice(0, i + begin.length)}\n${markdown}\n${doc.slice(j)}`
        : `${doc}\n${begin}\n${markdown}\n${end}\n`;
    writeFileSync(docPath, doc);
    writeFileSync(join(repoRoot, 'docs/benchmarks.svg'), svg);
    log('wrote docs/benchmarks.md (between the bench markers) and docs/benchmarks.svg');
  }
}
