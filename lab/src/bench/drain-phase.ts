import { drainDebezium, drainPeer, drainPolling, explainClaim, insertOutboxBacklog, type DrainResult } from './drain';
import type { BenchOptions } from './options';
import { attempt, inEnv, log } from './run-helpers';
import { drainWatermill } from './watermill-peer';

/**
 * The drain phase: each relay empties the same backlog in a fresh database, one after the other:
 * the polling relay at each batch size, Debezium's snapshot, and the two peers
 * (pg-transactional-outbox, Watermill's forwarder).
 */
export async function runDrainPhase(
  o: BenchOptions,
  errors: string[],
): Promise<{ drains: DrainResult[]; claimPlan: string | undefined }> {
  const drains: DrainResult[] = [];
  let claimPlan: string | undefined;
  for (const [i, batchSize] of [o.relayBatch, ...o.extraRelayBatches].entries()) {
    log(`drain: polling relay, backlog ${o.backlog}, batch ${batchSize}`);
    const polling = await attempt(`drain polling${i ? ` batch ${batchSize}` : ''}`, errors, () =>
      inEnv('benchdrainpoll', async (env) => {
        await insertOutboxBacklog(env, o.backlog);
        if (i === 0) claimPlan = await explainClaim(env, o.relayBatch);
        return drainPolling(env, { rows: o.backlog, batchSize, timeoutMs: o.drainTimeoutS * 1000 });
      }),
    );
    if (polling) drains.push(polling);
  }
  log(`drain: Debezium snapshot, backlog ${o.backlog}`);
  const dbz = await attempt('drain debezium', errors, () =>
    inEnv('benchdraindbz', async (env) => {
      await insertOutboxBacklog(env, o.backlog);
      return drainDebezium(env, { rows: o.backlog, timeoutMs: o.drainTimeoutS * 1000 });
    }),
  );
  if (dbz) drains.push(dbz);
  log(`drain: pg-transactional-outbox, backlog ${o.backlog}, bounded to ${o.peerTimeoutS} s`);
  const peer = await attempt('drain peer', errors, () =>
    inEnv('benchdrainpeer', (env) =>
      drainPeer(env, { rows: o.backlog, batchSize: o.peerBatch, timeoutMs: o.peerTimeoutS * 1000 }),
    ),
  );
  if (peer) drains.push(peer);
  log(`drain: Watermill's forwarder, backlog ${o.backlog}, bounded to ${o.peerTimeoutS} s`);
  const watermill = await attempt('drain watermill', errors, () =>
    inEnv('benchdrainwm', (env) =>
      drainWatermill(env, { rows: o.backlog, batchSize: o.watermillBatch, timeoutMs: o.peerTimeoutS * 1000, log }),
    ),
  );
  if (watermill) drains.push(watermill);
  return { drains, claimPlan };
}
