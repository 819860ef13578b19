import { runLoad } from '../load';
import { progress, type Scenario } from '../scenario';
import { freePort } from '../service-process';
import { TcpProxy } from '../tcp-proxy';

/** Must match infra's KAFKA.faultyPort / faultyProxyPort (the broker's proxied listener). */
const kafkaFaultyPort = 9094;
const kafkaProxyPort = 9095;

export const networkFaults: Scenario = {
  name: 'network',
  title:
    'every service talks to Postgres, Kafka and S3 through proxies adding 20 ms latency; Postgres and S3 connections reset twice',
  async run(world) {
    const pgUrl = new URL(world.env.databaseUrl);
    const pg = new TcpProxy(await freePort(), Number(pgUrl.port));
    const s3 = new TcpProxy(await freePort(), 4566);
    const kafka = new TcpProxy(kafkaProxyPort, kafkaFaultyPort);
    const proxies = [pg, s3, kafka];
    // Known gap (docs/guarantees.md): after a reset of its broker connections, KafkaJS 2.2.4's
    // consumers sometimes keep timing out on Fetch through the proxy (1 run in 3 here) and
    // stall past the suite's time limit. Kafka resets run only with CHAOS_KAFKA_RESETS=1.
    const resettable = process.env.CHAOS_KAFKA_RESETS === '1' ? proxies : [pg, s3];
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
      for (const proxy of resettable) proxy.resetAll();
      await p.reached(200);
      for (const proxy of resettable) proxy.resetAll();
      const result = await load;
      const healedAt = Date.now();
      return {
        load: result,
        healedAt,
        checks: { 'connections were reset twice on every reset path': resettable.every((x) => x.resets === 2) },
      };
    } finally {
      // The services still talk through the proxies: keep them (without latency) until the
      // world is disposed, after the quiescence check and the audit.
      for (const proxy of proxies) proxy.latencyMs = 0;
      world.onDispose(() => Promise.all(proxies.map((x) => x.stop())).then(() => undefined));
    }
  },
};
