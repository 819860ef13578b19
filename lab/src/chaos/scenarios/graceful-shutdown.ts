import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';

/**
 * SIGTERM to every service under load: each must drain its in-flight work and exit 0 (not be
 * killed by the shutdown timeout), and nothing may be lost once they are started again.
 */
export const gracefulShutdown: Scenario = {
  name: 'graceful-shutdown',
  title: 'every service stopped with SIGTERM under load (drains, exits 0), then started again',
  async run(world) {
    const p = progress();
    const load = runLoad({ baseUrl: () => world.baseUrl(), files: 300, ratePerSecond: 80, onAccepted: p.onAccepted });
    await p.reached(100);
    const services = [world.relay, world.processor, world.api];
    await Promise.all(services.map((s) => s.stop()));
    const exits = services.map((s) => ({ kind: s.kind, ...s.lastExit }));
    await Promise.all(services.map((s) => s.start()));
    const healedAt = Date.now();
    const result = await load;
    return {
      load: result,
      healedAt,
      checks: Object.fromEntries(
        exits.map((e) => [`${e.kind} exited 0 on SIGTERM (got ${e.signal ?? `code ${String(e.code)}`})`, e.code === 0]),
      ),
    };
  },
};
