/** Status rows: state, pid, ports, readiness, RSS and data size of every component and service. */
import { COMPONENT_NAMES, isExternal, stackInfo, type ComponentName, type ProcessName } from '../config';
import { BROKER_COMPONENTS, activeBrokerComponents } from '../kafka-brokers';
import { SERVICES, readyUrl } from '../components/services';
import { logFile } from '../paths';
import { isPortOpen } from '../ports';
import { runningPid } from '../process/pid-file';
import { dirSizeBytes, rssBytes } from '../process/usage';
import { probeHttp, probeNodeVersion } from '../readiness/http';
import { errorMessage } from '../readiness/wait';
import type { RelayMode } from '../relay-mode/decide';
import { modeOfProcess } from '../relay-mode/running-mode';
import { components, ourPid } from './registry';

export interface ProcessStatus {
  name: ProcessName;
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
    const dataBytes = c.dataDir !== undefined ? dirSizeBytes(c.dataDir) : undefined;
    if (pid === undefined) {
      const taken = (await Promise.all(c.ports.map((p) => isPortOpen(p)))).some(Boolean);
      return { ...base, state: taken ? 'port-in-use' : 'stopped', ready: false, dataBytes };
    }
    const err = await probeQuick(() => c.probe(info));
    return {
      ...base,
      state: 'running',
      pid,
      ready: err === undefined,
      readyError: err,
      rssBytes: rssBytes(pid),
      dataBytes,
    };
  });
  const svcRows = SERVICES.map(async (s): Promise<ProcessStatus> => {
    const base = { name: s.name, kind: 'service' as const, ports: [s.port], logFile: logFile(s.name), detail: s.entry };
    const pid = runningPid(s.name);
    if (pid === undefined) {
      return { ...base, state: (await isPortOpen(s.port)) ? 'port-in-use' : 'stopped', ready: false };
    }
    const err = await probeQuick(() => probeHttp(readyUrl(s)));
    const relayMode = s.name === 'outbox-relay' ? modeOfProcess(pid) : undefined;
    const node = await probeNodeVersion(readyUrl(s).replace(/\/health\/ready$/, '/health/live'));
    const notes = [relayMode, node && `node ${node}`].filter(Boolean).join(', ');
    return {
      ...base,
      ...(relayMode ? { relayMode } : {}),
      ...(notes ? { detail: `${s.entry} (${notes})` } : {}),
      state: 'running',
      pid,
      ready: err === undefined,
      readyError: err,
      rssBytes: rssBytes(pid),
    };
  });
  return Promise.all([...rows, ...svcRows]);
}
