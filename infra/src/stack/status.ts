/** Status rows: state, pid, ports, readiness, RSS and data size of every component and service. */
import { COMPONENT_NAMES, SERVICE_NAMES, isExternal, stackInfo, type ComponentName, type RunName } from '../config';
import { BROKER_COMPONENTS, activeBrokerComponents } from '../kafka-brokers';
import { instanceDef, instancePortList, readyUrl, type InstanceDef } from '../components/services';
import { logFile } from '../paths';
import { isPortOpen } from '../ports';
import { runningPid } from '../process/pid-file';
import { dirSizeBytes, rssBytes } from '../process/usage';
import { probeHttp, probeLive } from '../readiness/http';
import { errorMessage } from '../readiness/wait';
import type { RelayMode } from '../relay-mode/decide';
import { modeOfProcess } from '../relay-mode/running-mode';
import { instancesOf } from '../scale/scale';
import { readScale, runningInstances } from '../scale/scale-file';
import { components, ourPid } from './registry';

export interface ProcessStatus {
  /** A component, or a service instance (`api`, `file-processor.2`). */
  name: RunName;
  kind: 'component' | 'service';
  state: 'running' | 'stopped' | 'external' | 'port-in-use';
  pid?: number;
  ports: number[];
  ready: boolean;
  readyError?: string;
  rssBytes?: number;
  dataBytes?: number;
  logFile: string;
  detail: string;
  /** The outbox-relay's mode, when it runs. */
  relayMode?: RelayMode;
}

async function probeQuick(probe: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('probe timed out')), 5_000);
      }),
    ]);
    return undefined;
  } catch (err) {
    return errorMessage(err);
  } finally {
    clearTimeout(timer);
  }
}

export async function statusAll(): Promise<ProcessStatus[]> {
  const info = stackInfo();
  const brokers: readonly ComponentName[] = activeBrokerComponents();
  // The extra brokers show when three are in use, or when one runs anyway.
  const shown = COMPONENT_NAMES.filter(
    (n) => !BROKER_COMPONENTS.some((b) => b === n) || brokers.includes(n) || ourPid(components[n]) !== undefined,
  );
  const rows = shown.map(async (name): Promise<ProcessStatus> => {
    const c = components[name];
    const base = { name, kind: 'component' as const, ports: c.ports, logFile: c.logFile, detail: c.description };
    if (isExternal(name)) {
      const err = await probeQuick(() => c.probe(info));
      return { ...base, state: 'external', ready: err === undefined, readyError: err };
    }
    const pid = ourPid(c);
    if (pid === undefined) {
      const taken = (await Promise.all(c.ports.map((p) => isPortOpen(p)))).some(Boolean);
      return { ...base, state: taken ? 'port-in-use' : 'stopped', ready: false };
    }
    const err = await probeQuick(() => c.probe(info));
    return { ...base, state: 'running', pid, ready: err === undefined, readyError: err, rssBytes: rssBytes(pid) };
  });
  const scale = readScale();
  const refs = SERVICE_NAMES.flatMap((svc) => {
    const running = runningInstances(svc);
    const last = Math.max(scale[svc], ...running.map((r) => r.index));
    return instancesOf(svc, last);
  });
  const svcRows = refs.map((ref) => instanceStatus(instanceDef(ref)));
  const [componentRows, serviceRows] = await Promise.all([Promise.all(rows), Promise.all(svcRows)]);
  // Disk usage only once every probe has answered: the walk is synchronous (seconds on a data dir
  // of millions of objects), and a probe waiting meanwhile would time out and read as not ready.
  const sized = componentRows.map((row, i) => {
    const name = shown[i];
    const dir = name === undefined || isExternal(name) ? undefined : components[name].dataDir;
    return dir === undefined ? row : { ...row, dataBytes: dirSizeBytes(dir) };
  });
  return [...sized, ...serviceRows];
}

/** One service instance's row: probed on its own port, and it must say it is that instance. */
async function instanceStatus(def: InstanceDef): Promise<ProcessStatus> {
  const base = {
    name: def.name,
    kind: 'service' as const,
    ports: instancePortList(def),
    logFile: logFile(def.name),
    detail: def.entry,
  };
  const pid = runningPid(def.name);
  if (pid === undefined) {
    return { ...base, state: (await isPortOpen(def.port)) ? 'port-in-use' : 'stopped', ready: false };
  }
  let err = await probeQuick(() => probeHttp(readyUrl(def)));
  const relayMode = def.service === 'outbox-relay' ? modeOfProcess(pid) : undefined;
  const live = await probeLive(readyUrl(def).replace(/\/health\/ready$/, '/health/live'));
  if (err === undefined && live.instance !== undefined && live.instance !== def.name) {
    err = `port ${def.port} answers as instance ${live.instance}`;
  }
  const notes = [relayMode, live.node && `node ${live.node}`].filter(Boolean).join(', ');
  return {
    ...base,
    ...(relayMode ? { relayMode } : {}),
    ...(notes ? { detail: `${def.entry} (${notes})` } : {}),
    state: 'running',
    pid,
    ready: err === undefined,
    readyError: err,
    rssBytes: rssBytes(pid),
  };
}
