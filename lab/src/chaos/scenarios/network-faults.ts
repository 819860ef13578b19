import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { freePort, TcpProxy } from '@fileflow/testkit';

/** Must match infra's KAFKA.faultyPort / faultyProxyPort (the broker's proxied listener). */
const kafkaFaultyPort = 9094;
const kafkaProxyPort = 9095;

export const networkFaults: Scenario = {
  name: 'network',
  title:
    'every service talks to Postgres, Kafka and S3 through proxies adding 20 ms latency; all their connections reset twice',
  async run(world) {
    const pgUrl = new URL(world.env.databaseUrl);
    const pg = new TcpProxy(await freePort(), Number(pgUrl.port));
    const s3 = new TcpProxy(await freePort(), 4566);
    const kafka = new TcpProxy(kafkaProxyPort, kafkaFaultyPort);
    const proxies = [pg, s3, kafka];
    await Promise.all(proxies.map((p) => p.start()));
    try {
      pgUrl.port = String(pg.listenPort);
      const viaProxies = {
        DATABASE_URL: pgUrl.toString(),
        AWS_ENDPOINT: `http://127.0.0.1:${s3.listenPort}`,
        KAFKA_BROKERS: `127.0.0.1:${kafkaProxyPort}`,
      };
      await world.stopAll();
      for (const p of proxies) p.latencyMs = 20;
      await Promise.all([world.api, world.relay, world.processor].map((s) => s.start(viaProxies)));

      const p = progress();
      const load = runLoad({ baseUrl: () => world.baseUrl(), files: 300, ratePerSecond: 60, onAccepted: p.onAccepted });
      await p.reached(100);
      for (const proxy of proxies) proxy.resetAll();
      await p.reached(200);
      for (const proxy of proxies) proxy.resetAll();
      const result = await load;
      const healedAt = Date.now();
      return {
        load: result,
        healedAt,
        checks: { 'connections were reset twice on every path': proxies.every((x) => x.resets === 2) },
      };
    } finally {
      // The services still talk through the proxies: keep them (without latency) until the
      // world is disposed, after the quiescence check and the audit.
      for (const proxy of proxies) proxy.latencyMs = 0;
      world.onDispose(() => Promise.all(proxies.map((x) => x.stop())).then(() => undefined));
    }
  },
};
