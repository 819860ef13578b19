import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Top functions by self time in the `.cpuprofile` files of `dir` (written by `node --cpu-prof`). */
export function topSelfTime(dir: string, top = 15): string[] {
  const self = new Map<string, number>();
  let total = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    p.samples.forEach((id, i) => {
      const cf = byId.get(id);
      const dt = p.timeDeltas[i] ?? 0;
      total += dt;
      if (!cf) return;
      const where = cf.url ? cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '') : '';
      const key = `${cf.functionName || '(anonymous)'} ${where}${where ? `:${cf.lineNumber + 1}` : ''}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

/**
 * `--cpu-prof` is not allowed in NODE_OPTIONS, and ServiceProcess fixes the argv: so a preload
 * (`NODE_OPTIONS=--require <file>`) starts the V8 profiler through `node:inspector` and writes a
 * `.cpuprofile` into `dir` when the process exits (the in-thread session answers synchronously).
 * Returns the NODE_OPTIONS value.
 */
export function cpuProfileNodeOptions(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const preload = join(dir, 'cpu-prof-preload.cjs');
  writeFileSync(
    preload,
    `const inspector = require('node:inspector');
const fs = require('node:fs');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (err, res) => {
    if (!err) fs.writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.cpuprofile', JSON.stringify(res.profile));
  });
});
`,
  );
  return `--require ${preload}`;
}
