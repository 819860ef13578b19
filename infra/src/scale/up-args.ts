/** The options of `up` (pure): which extras to start, the services' scale, the topics' partitions. */
import { MAX_PARTITIONS } from '../config';
import { ScaleError, parseScale, type Scale } from './scale';

export interface UpArgs {
  readonly services: boolean;
  readonly connect: boolean;
  readonly prometheus: boolean;
  /** `--scale api=2,...` (implies --services); unset: the stack's remembered scale. */
  readonly scale?: Scale;
  /** `--partitions N`: partitions of topics created now (= FILEFLOW_KAFKA_PARTITIONS). */
  readonly partitions?: number;
}

const FLAGS = ['--services', '--connect', '--prometheus'] as const;

/** `--name value` or `--name=value`: the value, and how many arguments it took. */
function valueOf(args: readonly string[], i: number, name: string): [string | undefined, number] {
  const a = args[i] ?? '';
  if (a.startsWith(`${name}=`)) return [a.slice(name.length + 1), 1];
  const next = args[i + 1];
  return [next !== undefined && !next.startsWith('--') ? next : undefined, 2];
}

export function parseUpArgs(args: readonly string[]): UpArgs {
  const seen = new Set<string>();
  let scale: Scale | undefined;
  let partitions: number | undefined;
  for (let i = 0; i < args.length;) {
    const a = args[i] ?? '';
    if ((FLAGS as readonly string[]).includes(a)) {
      seen.add(a);
      i += 1;
    } else if (a === '--scale' || a.startsWith('--scale=')) {
      const [v, n] = valueOf(args, i, '--scale');
      scale = parseScale(v);
      i += n;
    } else if (a === '--partitions' || a.startsWith('--partitions=')) {
      const [v, n] = valueOf(args, i, '--partitions');
      const count = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!(count >= 1 && count <= MAX_PARTITIONS)) {
        throw new ScaleError(
          `--partitions: expected a whole number from 1 to ${MAX_PARTITIONS}, got ${v ?? 'nothing'}`,
        );
      }
      partitions = count;
      i += n;
    } else {
      throw new ScaleError(`up: unknown option ${a} (use ${FLAGS.join(', ')}, --scale, --partitions)`);
    }
  }
  return {
    services: seen.has('--services') || scale !== undefined,
    connect: seen.has('--connect'),
    prometheus: seen.has('--prometheus'),
    ...(scale ? { scale } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
  };
}
