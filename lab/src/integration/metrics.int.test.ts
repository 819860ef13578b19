import { eventually, scrape, sumOf, type Sample } from '@fileflow/testkit';
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
