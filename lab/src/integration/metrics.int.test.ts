import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, metricNames, scrape, scrapeText, sumOf, type Sample } from '@fileflow/testkit';
import { repoRoot } from '../repo-root';
import { runLoad } from '../chaos/load';
import { createWorld, waitForQuiescence, type World } from '../chaos/world';

/**
 * Every service's `/metrics`, scraped from the real processes around a burst of files: the
 * end-to-end histogram counts each file once, and the backlog and the lag come back to 0.
 */
const burst = 40;
let world: World;

beforeAll(async () => {
  world = await createWorld('metrics');
  await world.startAll();
}, 120_000);
afterAll(() => world.dispose());

const metricsOf = async (service: 'api' | 'relay' | 'processor'): Promise<Sample[]> =>
  scrape(`http://127.0.0.1:${await world[service].port}/metrics`);

it(`after a burst of ${burst} files, the end-to-end histogram counts ${burst} more, and backlog and lag return to 0`, async () => {
  const completed = (s: Sample[]) => sumOf(s, 'fileflow_file_end_to_end_seconds_count', { status: 'completed' });
  const before = completed(await metricsOf('api'));

  const load = await runLoad({ baseUrl: () => world.baseUrl(), files: burst, ratePerSecond: 200 });
  expect(load.accepted).toHaveLength(burst);
  await waitForQuiescence(world, load.accepted);

  await eventually(async () => {
    const [api, relay, processor] = await Promise.all([metricsOf('api'), metricsOf('relay'), metricsOf('processor')]);
    expect(completed(api) - before).toBe(burst);
    expect(sumOf(api, 'fileflow_status_transitions_total', { to: 'completed' })).toBeGreaterThanOrEqual(burst);
    expect(sumOf(relay, 'fileflow_outbox_backlog_rows')).toBe(0);
    expect(sumOf(relay, 'fileflow_relay_rows_published_total')).toBeGreaterThanOrEqual(burst);
    expect(sumOf(relay, 'fileflow_relay_commit_to_published_seconds_count')).toBeGreaterThanOrEqual(burst);
    for (const s of [api, processor]) {
      expect(s.filter((x) => x.name === 'fileflow_consumer_lag').length).toBeGreaterThan(0);
      expect(sumOf(s, 'fileflow_consumer_lag')).toBe(0);
    }
    expect(sumOf(processor, 'fileflow_upload_duration_seconds_count', { outcome: 'uploaded' })).toBeGreaterThanOrEqual(
      burst,
    );
    expect(sumOf(api, 'fileflow_http_request_duration_seconds_count', { route: '/files', status: '202' })).toBe(burst);
  });
  // A scrape later still says the same: the histogram counted each file exactly once.
  expect(completed(await metricsOf('api')) - before).toBe(burst);
});

/** The metric names a PromQL expression reads (every name of ours starts with `fileflow_`). */
const metricsIn = (expr: string): string[] => [...expr.matchAll(/\bfileflow_[a-z0-9_]+/g)].map((m) => m[0]);

it('every panel of the Grafana dashboard queries metrics the services export (the Debezium ones included)', async () => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, 'infra/grafana/dashboards/fileflow.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const debezium = await createWorld('metricsdbz', 'debezium');
  try {
    await debezium.relay.start();
    const exported = new Set<string>();
    await eventually(async () => {
      const ports = [
        await world.api.port,
        await world.relay.port,
        await world.processor.port,
        await debezium.relay.port,
      ];
      const texts = await Promise.all(ports.map((port) => scrapeText(`http://127.0.0.1:${port}/metrics`)));
      for (const text of texts) for (const name of metricNames(text)) exported.add(name);
      // The Debezium relay's gauges appear once its connector is registered.
      expect(exported.has('fileflow_debezium_task_state')).toBe(true);
    });
    const missing = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) =>
        metricsIn(t.expr)
          .filter((m) => !exported.has(m))
          .map((m) => `${p.title}: ${m}`),
      ),
    );
    expect(dashboard.panels.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  } finally {
    await debezium.dispose();
  }
}, 120_000);
