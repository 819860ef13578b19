/** Bring every Kafka broker in use to ready, together (with three, none is ready before a quorum runs). */
import type { StackInfo } from '../config';
import { activeBrokerComponents } from '../kafka-brokers';
import type { Reporter } from '../log';
import { ensureComponent } from './ensure-component';
import { components } from './registry';

export async function ensureKafka(info: StackInfo, report: Reporter): Promise<void> {
  await Promise.all(activeBrokerComponents().map((b) => ensureComponent(components[b], info, report)));
}
