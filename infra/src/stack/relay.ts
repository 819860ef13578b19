/** The outbox-relay in the stack's relay mode: start it, or switch the stack to the other mode. */
import { stackInfo, type StackInfo } from '../config';
import { ensureService, instanceDef, serviceEnv, stopService } from '../components/services';
import type { Reporter } from '../log';
import { removePidRecord } from '../process/pid-file';
import { withStackLock } from '../process/stack-lock';
import { decideRelayStart, decideSwitch, type RelayFacts, type RelayMode } from '../relay-mode/decide';
import { RelayModeRefusal } from '../relay-mode/refusal';
import { retireConnector } from '../relay-mode/retire-connector';
import { modeOfProcess, requestedMode } from '../relay-mode/running-mode';
import { readRelayModeState, writeRelayModeState } from '../relay-mode/state-file';
import { readScale, runningInstances } from '../scale/scale-file';
import { ensureComponent } from './ensure-component';
import { ensureKafka } from './ensure-kafka';
import { lockNotice } from './lock-notice';
import { components } from './registry';

const RELAY = instanceDef({ service: 'outbox-relay', index: 1 });

/** What the decisions need: the remembered mode, RELAY_MODE of the caller, the running relay's mode. */
export function relayFacts(env: NodeJS.ProcessEnv = process.env): RelayFacts {
  // any instance: they all run in the stack's mode
  const pid = runningInstances('outbox-relay')[0]?.pid;
  return {
    remembered: readRelayModeState()?.mode,
    requested: requestedMode(env),
    running: pid === undefined ? undefined : modeOfProcess(pid),
  };
}

/** The mode the next start of the relay uses; refuses (RelayModeRefusal) the other mode while one is in use. */
export function relayModeToStart(env: NodeJS.ProcessEnv = process.env): RelayMode {
  const d = decideRelayStart(relayFacts(env));
  if (d.kind === 'refuse') throw new RelayModeRefusal(d.reason);
  return d.mode;
}

async function startRelayIn(
  mode: RelayMode,
  info: StackInfo,
  report: Reporter,
  remember = true,
  index = 1,
): Promise<void> {
  // the Debezium relay registers its connector with Kafka Connect, which needs Kafka
  if (mode === 'debezium') {
    await ensureKafka(info, report);
    await ensureComponent(components.connect, info, report);
  }
  if (remember) writeRelayModeState(mode);
  await ensureService(instanceDef({ service: 'outbox-relay', index }), info, report, { RELAY_MODE: mode });
}

/**
 * Start (or keep) instance `index` of the outbox-relay in the stack's mode (see decideRelayStart).
 * In debezium mode Kafka Connect publishes and the relay only looks after the connector: one is
 * all there is to run, so a second is refused.
 */
export async function ensureRelay(
  info: StackInfo,
  report: Reporter,
  env: NodeJS.ProcessEnv = process.env,
  index = 1,
): Promise<void> {
  const d = decideRelayStart(relayFacts(env));
  if (d.kind === 'refuse') throw new RelayModeRefusal(d.reason);
  if (d.mode === 'debezium' && index > 1) {
    throw new RelayModeRefusal(
      'outbox-relay: one instance in debezium mode (Kafka Connect publishes); several relays need polling mode',
    );
  }
  // keeping a running relay leaves the record (and its `since`) alone, unless it predates the record
  await startRelayIn(d.mode, info, report, d.kind === 'start' || readRelayModeState() === undefined, index);
}

/** `mode <target>`: switch the stack's relay mode cleanly (see decideSwitch and retireConnector). */
export async function switchRelayMode(target: RelayMode, report: Reporter): Promise<void> {
  return withStackLock(async () => {
    const facts = relayFacts({});
    const d = decideSwitch(facts, target);
    if (d.kind === 'already') {
      writeRelayModeState(d.mode);
      report('relay-mode', `already ${d.mode}`);
      return;
    }
    const info = stackInfo();
    for (const step of d.steps) {
      if (step === 'stop-relay') {
        // every instance: two relay modes must never publish at once
        for (const r of runningInstances('outbox-relay')) {
          const def = instanceDef(r);
          await stopService(def);
          removePidRecord(def.name);
          report(def.name, `stopped (was ${facts.running ?? '?'})`);
        }
      } else if (step === 'retire-connector') {
        await ensureComponent(components.postgres, info, report);
        await ensureKafka(info, report);
        await ensureComponent(components.connect, info, report);
        const env = serviceEnv(info, RELAY);
        await retireConnector({
          databaseUrl: env.DATABASE_URL ?? info.databaseUrl,
          connectUrl: env.KAFKA_CONNECT_URL ?? info.kafkaConnectUrl,
          connectorName: env.DEBEZIUM_CONNECTOR_NAME || undefined,
          report,
        }).catch(async (err: unknown) => {
          // Debezium still owns the outbox: put its relay back if one ran
          if (facts.running === 'debezium') await startRelayIn('debezium', info, report).catch(() => undefined);
          throw err;
        });
      } else {
        // polling: as many relays as the stack's scale says; debezium: one
        const n = target === 'polling' ? readScale()['outbox-relay'] : 1;
        for (let index = 1; index <= n; index += 1) await startRelayIn(target, info, report, true, index);
      }
    }
    writeRelayModeState(target);
    report('relay-mode', `${d.from ?? 'unset'} -> ${target}`);
  }, lockNotice(report));
}
