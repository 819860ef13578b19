import { relayModes, type RelayMode } from '@fileflow/outbox-relay';
import { eventually, startOtlpReceiver, type CollectedSpan } from '@fileflow/testkit';
import { createWorld, waitForQuiescence, type World } from '../chaos/world';

/**
 * One file is one trace, from its POST to its final status, in both relay modes: the outbox row's
 * traceparent is the parent of the publish span and of the processor's span, and the status
 * updates continue from the processor's span.
 */
const kind = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

describe.each(relayModes)('%s relay', (mode: RelayMode) => {
  let world: World;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    world = await createWorld(`traces${mode}`, mode);
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    await Promise.all([world.api.start(tracing), world.relay.start(tracing), world.processor.start(tracing)]);
  }, 180_000);
  afterAll(async () => {
    await world.dispose();
    await receiver.stop();
  });

  it('finds one trace id across every hop of one file, with the expected parent chain', async () => {
    const res = await fetch(`${await world.baseUrl()}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `traced ${mode}` }),
      signal: AbortSignal.timeout(10_000),
    });
    const { id } = (await res.json()) as { id: number };
    await waitForQuiescence(world, [id]);

    const hops = await eventually(
      () => {
        const all = receiver.spans();
        const create = all.find((s) => s.name === 'create file' && s.attributes['fileflow.file_id'] === id);
        if (!create) throw new Error('no create span yet');
        const trace = all.filter((s) => s.traceId === create.traceId);
        const one = (what: string, match: (s: CollectedSpan) => boolean): CollectedSpan => {
          const found = trace.filter(match);
          if (found.length !== 1) throw new Error(`${what}: ${found.length} spans in the trace`);
          return found[0]!;
        };
        const publish = one('publish', (s) => s.name === 'publish file.create');
        const process = one('process', (s) => s.name === 'process file.create');
        const applied = one('apply file.created', (s) => s.name === 'apply file.created');
        const upload = one('S3 upload', (s) => s.kind === kind.client && s.parentSpanId === process.spanId);
        return { trace, create, publish, process, applied, upload };
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const { trace, create, publish, process, applied, upload } = hops;
    expect(upload.name).toBe('S3.PutObject');

    // The request: create file sits under the API's server span for POST /files.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors: CollectedSpan[] = [];
    for (let s = byId.get(create.parentSpanId ?? ''); s; s = byId.get(s.parentSpanId ?? '')) ancestors.push(s);
    expect(ancestors.some((s) => s.kind === kind.server && s.service === 'api')).toBe(true);

    expect(publish).toMatchObject({ service: 'outbox-relay', kind: kind.producer, parentSpanId: create.spanId });
    expect(publish.attributes['fileflow.relay']).toBe(mode);
    expect(process).toMatchObject({ service: 'file-processor', kind: kind.consumer, parentSpanId: create.spanId });
    expect(upload.service).toBe('file-processor');
    expect(applied).toMatchObject({ service: 'api', kind: kind.consumer, parentSpanId: process.spanId });
    expect(applied.attributes['fileflow.file_id']).toBe(id);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['api', 'outbox-relay', 'file-processor']));
  });
});
