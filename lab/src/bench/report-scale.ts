import { fmt } from './measure';
import type { ScaleResult } from './scale';

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** The scale phase's rows of the results table: one and two of each service, side by side. */
export function scaleRows(s: ScaleResult | undefined): string[][] {
  if (!s) return [];
  const one = s.runs.find((x) => x.instances === 1);
  return s.runs.map((x) => {
    const services = Object.entries(x.cpuMsPerFileByService)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(', ');
    const vsOne =
      one && x !== one && one.completedPerSecond > 0
        ? `; ${fmt(x.completedPerSecond / one.completedPerSecond, 2)}x the rate of one of each`
        : '';
    // Every instance runs on the same cores as the others, PostgreSQL, Kafka, S3Proxy and the load generator.
    const cores = `the machine's ${s.cores} cores ${fmt(x.machineBusy * 100)}% busy while it ran${x.instances > 1 ? `, the ${x.instances} instances of each service sharing them` : ''}`;
    return [
      `scale: ${x.instances} of each service (polling, ${s.partitions} partitions): completed files/s`,
      fmt(x.completedPerSecond),
      '',
      `CPU ${ms(x.cpuMsPerFile)} ms a file over all ${x.instances * 3} service processes (${services}); ${x.files} files; intake ${fmt(x.intakePerSecond)} POST/s over ${x.instances} API URL(s)${x.failedPosts ? `, ${x.failedPosts} not accepted` : ''}; drained: ${x.drained}; ${cores}${vsOne}`,
    ];
  });
}
