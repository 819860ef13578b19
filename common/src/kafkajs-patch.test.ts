/**
 * patches/kafkajs+2.2.4.patch (applied by `npm ci`'s postinstall) makes two of KafkaJS's hot paths
 * cheaper without changing what they produce, and makes its connections survive resets and
 * timeouts (docs/architecture.md, "Kafka connections after a reset"). These tests fail if the
 * patch is not applied or changes their results.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { createServer, type Socket } from 'node:net';
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  buf: Buffer;
  buffer: Buffer;
  writeInt32(v: number): unknown;
};
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: Array<{ key: string }>;
  partitioner: (args: { message: { key: string } }) => number;
}) => Record<string, Array<{ key: string }>>;

describe('patched KafkaJS', () => {
  it('groups messages per partition in their order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}, {}],
      messages,
      partitioner: ({ message }) => Number(message.key) % 3,
    });
    expect(grouped).toEqual({
      0: [messages[0], messages[3], messages[6], messages[9]],
      1: [messages[1], messages[4], messages[7]],
      2: [messages[2], messages[5], messages[8]],
    });
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual(
      {},
    );
  });

  it('encoders take their buffer from the shared pool (allocUnsafe), and expose only what was written', () => {
    const encoder = new Encoder();
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
    encoder.writeInt32(7);
    expect([...encoder.buffer]).toEqual([0, 0, 0, 7]);
  });
});

/** The slice of KafkaJS's Connection these tests drive. */
interface KafkaConnection {
  connect(): Promise<boolean>;
  disconnect(): Promise<boolean>;
  isConnected(): boolean;
  send(protocol: { request: unknown; response: unknown }): Promise<unknown>;
}
const Connection = require('kafkajs/src/network/connection') as new (options: {
  host: string;
  port: number;
  logger: unknown;
  socketFactory: unknown;
  requestTimeout: number;
  connectionTimeout: number;
  enforceRequestTimeout: boolean;
}) => KafkaConnection;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger: (o: { level: number; logCreator: () => () => void }) => unknown;
  LEVELS: { NOTHING: number };
};
const defaultSocketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;

/**
 * A server speaking Kafka's framing (int32 size, int32 correlation id, payload) and nothing
 * else: `answer` decides, per connection and per request, what to do with it.
 */
async function framingServer(
  answer: (socket: Socket, connectionIndex: number, correlationId: number) => void,
): Promise<{ port: number; connections: Socket[]; close(): Promise<void> }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => {
    const index = connections.push(socket) - 1;
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
        buffered = buffered.subarray(4 + frame.length);
        answer(socket, index, frame.readInt32BE(4)); // after apiKey and apiVersion
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of connections) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const responseFrame = (correlationId: number, payload: Buffer) => {
  const frame = Buffer.alloc(8);
  frame.writeInt32BE(4 + payload.length, 0);
  frame.writeInt32BE(correlationId, 4);
  return Buffer.concat([frame, payload]);
};

/** An ApiVersions-keyed request (no authentication step) whose response is its raw payload. */
const rawRequest = {
  request: { apiKey: 18, apiName: 'ApiVersions', apiVersion: 0, encode: () => Promise.resolve(new Encoder()) },
  response: {
    decode: (payload: Buffer) => Promise.resolve(payload),
    parse: (payload: Buffer) => Promise.resolve(payload),
  },
};

const connectionTo = (port: number, requestTimeout = 5_000) =>
  new Connection({
    host: '127.0.0.1',
    port,
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    socketFactory: defaultSocketFactory(),
    requestTimeout,
    connectionTimeout: 1_000,
    enforceRequestTimeout: true,
  });

describe('patched KafkaJS connections', () => {
  const payload = Buffer.alloc(1_000, 7);

  it('start every socket with empty framing: a response cut by a reset does not corrupt the next', async () => {
    const server = await framingServer((socket, index, correlationId) => {
      const frame = responseFrame(correlationId, payload);
      if (index === 0) {
        // The first socket dies half-way through its response.
        socket.write(frame.subarray(0, 500), () => socket.resetAndDestroy());
      } else socket.write(frame);
    });
    const connection = connectionTo(server.port);
    try {
      await connection.connect();
      await expect(connection.send(rawRequest)).rejects.toThrow(/Connection error|Closed connection/);
      await connection.connect();
      await expect(connection.send(rawRequest)).resolves.toEqual(payload);
    } finally {
      await connection.disconnect();
      await server.close();
    }
  });

  it('close the connection when a request on it times out, reject the others on it, and reconnect', async () => {
    // The first socket is a half-open peer: it never answers.
    const server = await framingServer((socket, index, correlationId) => {
      if (index > 0) socket.write(responseFrame(correlationId, payload));
    });
    const connection = connectionTo(server.port, 300);
    try {
      await connection.connect();
      const first = connection.send(rawRequest);
      await new Promise((r) => setTimeout(r, 150));
      const second = connection.send(rawRequest);
      await expect(first).rejects.toThrow(/timed out/);
      await expect(second).rejects.toThrow(/Connection closed after a request on it timed out/);
      expect(connection.isConnected()).toBe(false);
      const [socket] = server.connections;
      if (socket === undefined) throw new Error('no server-side socket');
      if (!socket.closed) await new Promise((r) => socket.once('close', r));
      await connection.connect();
      await expect(connection.send(rawRequest)).resolves.toEqual(payload);
    } finally {
      await connection.disconnect();
      await server.close();
    }
  });
});

describe('patched KafkaJS request queue', () => {
  const RequestQueue = require('kafkajs/src/network/requestQueue') as new (o: Record<string, unknown>) => {
    scheduleCheckPendingRequests(): void;
    throttleCheckTimeoutId: unknown;
    destroy(): void;
  };
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const queue = () =>
    new RequestQueue({
      maxInFlightRequests: null,
      requestTimeout: 1_000,
      clientId: 't',
      broker: 'b',
      logger: { namespace: () => logger },
    });

  it('schedules no check while nothing is pending and nothing throttles (no negative timer on Node 24)', () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const q = queue();
    try {
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeFalsy();
    } finally {
      q.destroy();
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutNegativeWarning');
  });
});
