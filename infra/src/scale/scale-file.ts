/**
 * `.stack/scale.json`: how many instances of each service the stack runs, as the last
 * `up --services --scale` asked; `start <service>` and a later `up --services` start that many.
 * Also which instances run now (from their pid files).
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName } from '../config';
import { PIDS_DIR, STACK_DIR } from '../paths';
import { readJsonRecord, writeJsonRecord } from '../process/json-file';
import { runningPid } from '../process/pid-file';
import { MAX_INSTANCES, ONE_EACH, ScaleError, instanceName, type InstanceRef, type Scale } from './scale';

export const SCALE_FILE = path.join(STACK_DIR, 'scale.json');

const countSchema = z.number().int().min(1).max(MAX_INSTANCES);
const scaleSchema = z.object({
  api: countSchema,
  'outbox-relay': countSchema,
  'file-processor': countSchema,
});

/** The remembered scale; one of each when none was ever set. A damaged file is refused, not guessed. */
export function readScale(file = SCALE_FILE): Scale {
  return readJsonRecord(
    file,
    scaleSchema,
    ONE_EACH,
    (problem) => new ScaleError(`${file} is not a valid scale (${problem}); set it with \`up --services --scale\``),
  );
}

/** Remember `scale` (written to a temporary file and renamed). */
export function writeScale(scale: Scale, file = SCALE_FILE): void {
  writeJsonRecord(file, scale);
}

/** Instances of `service` with a pid file, running or not (a stale one is removed by runningPid). */
function instancesWithPidFiles(service: ServiceName): InstanceRef[] {
  let files: string[] = [];
  try {
    files = fs.readdirSync(PIDS_DIR);
  } catch {
    return [];
  }
  const out: InstanceRef[] = [];
  for (const f of files) {
    if (f === `${service}.pid`) out.push({ service, index: 1 });
    const m = /^(.+)\.(\d+)\.pid$/.exec(f);
    if (m && m[1] === service) out.push({ service, index: Number(m[2]) });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The running instances of `service` (of every service when none is given), with their pids. */
export function runningInstances(service?: ServiceName): Array<InstanceRef & { pid: number }> {
  return (service ? [service] : SERVICE_NAMES).flatMap((s) =>
    instancesWithPidFiles(s).flatMap((ref) => {
      const pid = runningPid(instanceName(ref));
      return pid === undefined ? [] : [{ ...ref, pid }];
    }),
  );
}
