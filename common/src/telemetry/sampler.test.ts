import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { samplerFromEnv } from './sampler';

// Its four 32-bit parts XOR to 0xffffffff, the most a ratio sampler compares: a ratio below 1 never samples it.
const traceId = 'ffffffff000000000000000000000000';
const decide = (env: Parameters<typeof samplerFromEnv>[0], parentSampled?: boolean) => {
  const context =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId: 'ffffffffffffffff',
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return samplerFromEnv(env, () => undefined).shouldSample(context, traceId, 'x', SpanKind.INTERNAL, {}, []).decision;
};

it('samples everything by default, following a parent that says no', () => {
  expect(decide({})).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  expect(decide({}, false)).toBe(SamplingDecision.NOT_RECORD);
});

it('samples new traces by ratio and follows the parent whatever the ratio', () => {
  const env = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
  expect(decide(env)).toBe(SamplingDecision.NOT_RECORD);
  expect(decide(env, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  expect(decide({ ...env, OTEL_TRACES_SAMPLER_ARG: '1' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
});

it('turns sampling off', () => {
  expect(decide({ OTEL_TRACES_SAMPLER: 'always_off' }, true)).toBe(SamplingDecision.NOT_RECORD);
});

it('reports an unknown sampler or a ratio out of range, and uses the default', () => {
  const warnings: string[] = [];
  const ctx = ROOT_CONTEXT;
  samplerFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' }, (m) => warnings.push(m)).shouldSample(
    ctx,
    traceId,
    'x',
    SpanKind.INTERNAL,
    {},
    [],
  );
  samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, (m) => warnings.push(m));
  expect(warnings).toEqual([
    'OTEL_TRACES_SAMPLER sometimes is not supported; using parentbased_always_on',
    'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got 2); sampling everything',
  ]);
});
