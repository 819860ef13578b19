import net from 'node:net';
import tls from 'node:tls';
import { Kafka, logLevel, Partitioners, type LogEntry, type KafkaConfig, type ISocketFactory } from 'kafkajs';
import type { Logger } from './logger';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

const levelName = (level: logLevel) =>
  level >= logLevel.DEBUG ? 'debug' : level >= logLevel.INFO ? 'info' : level >= logLevel.WARN ? 'warn' : 'error';

/**
 * KafkaJS's own socket factory with Nagle's algorithm off. A KafkaJS client pipelines requests on
 * one connection per broker (a consumer's heartbeat or offset commit behind its long-poll fetch,
 * a producer's second send behind its first), so with Nagle a small request written while the
 * previous one is still unacknowledged waits for the broker's delayed ACK: up to 40 ms per hop.
 * Otherwise as KafkaJS's: TLS when `ssl` is set, keep-alive after 60 s.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/**
 * A KafkaJS client whose logs go through `logger` and whose connection retries back off
 * exponentially (KafkaJS adds jitter itself) for up to about a minute before an error
 * reaches the caller.
 */
export function createKafka(settings: KafkaSettings, logger: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: 3_000,
    // A request on a connection that died (reset, broker killed, half-open) fails within 10 s
    // instead of 30, and the patched KafkaJS then closes that connection (patches/), so the
    // client reconnects instead of timing out on it again.
    requestTimeout: 10_000,
    enforceRequestTimeout: true,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 10, factor: 0.2, multiplier: 2 },
    socketFactory: noDelaySocketFactory,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const name = levelName(level);
        // The coordinator's rebalance chatter is routine; keep it out of warn.
        if (name === 'error' || name === 'warn') log[name](message, rest);
        else log.debug(message, rest);
      },
    ...overrides,
  });
}

/**
 * Consumer group timing: a consumer that dies (kill -9) is noticed within 10 s, so its
 * partitions move to a live one quickly; heartbeats every second keep a live one in.
 */
export const consumerTiming = { sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 20_000 } as const;

/**
 * The services' producer settings. The partitioner is Java's murmur2 one, the one Kafka Connect
 * (Debezium) uses, so a key lands on the same partition whichever relay published it; naming it
 * also silences KafkaJS's "switched default partitioner" warning in every service's log.
 */
export const producerSettings = { allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner };
