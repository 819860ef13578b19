/**
 * The sampler the standard variables ask for: `OTEL_TRACES_SAMPLER` (`always_on`, `always_off`,
 * `traceidratio`, `parentbased_always_on` (the default), `parentbased_always_off`,
 * `parentbased_traceidratio`) with `OTEL_TRACES_SAMPLER_ARG` the ratio (0 to 1, default 1).
 * A parent-based sampler follows the caller's decision, so one file's trace is whole or absent:
 * the API decides for a new trace, and every later hop follows the traceparent it carries.
 * An unknown name or a ratio out of range is reported and the default used, as the
 * specification says. It imports nothing of the project's own (see `register.ts`).
 */
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';

export function samplerFromEnv(
  env: { OTEL_TRACES_SAMPLER?: string | undefined; OTEL_TRACES_SAMPLER_ARG?: string | undefined },
  warn: (message: string) => void = (m) => console.warn(m),
): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  const ratio = (): number => {
    const arg = env.OTEL_TRACES_SAMPLER_ARG;
    const n = arg === undefined || arg.trim() === '' ? 1 : Number(arg);
    if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
    warn(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got ${arg}); sampling everything`);
    return 1;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      warn(`OTEL_TRACES_SAMPLER ${env.OTEL_TRACES_SAMPLER} is not supported; using parentbased_always_on`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
