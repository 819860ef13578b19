/**
 * `npx tsx lab/src/bench/s3-put-cost.ts [PUTS=6000] [ROUNDS=2]`
 *
 * CPU of one PutObject of a small file, both ways the project could send it, against the stack's
 * S3 server (`npm run stack -- up`): the SDK's command (`s3.send(new PutObjectCommand(…))`) and
 * `putObject` (the same client's signer and HTTP handler without the command pipeline), 48 in
 * flight as the processor. Each round runs both, after 500 unmeasured puts each; prints the rate,
 * the client's CPU per put (this process) and the S3 server's (its /proc). Alternate rounds, so a
 * JVM still warming up shows as a difference between rounds, not between the two ways.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, newId, putObject } from '@fileflow/common';
import { stackStatus } from '@fileflow/infra';
import { stackSettings } from '@fileflow/testkit';
import { cpuSeconds } from './measure';

const concurrency = 48;

async function measure(puts: number, put: (i: number) => Promise<void>) {
  let next = 0;
  const loop = async (until: number) => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < until) await put(next++);
      }),
    );
  };
  await loop(500);
  const server = (await stackStatus()).find((p) => p.name === 's3')?.pid;
  const c0 = process.cpuUsage();
  const s0 = cpuSeconds(server);
  const t0 = performance.now();
  await loop(500 + puts);
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(c0);
  return {
    rate: Math.round(puts / seconds),
    clientMs: (client.user + client.system) / 1000 / puts,
    serverMs: server === undefined ? NaN : ((cpuSeconds(server) - s0) * 1000) / puts,
  };
}

async function main(): Promise<void> {
  const puts = Number(process.argv[2] ?? 6000);
  const rounds = Number(process.argv[3] ?? 2);
  const s3 = createS3Client(stackSettings.s3);
  const prefix = `s3-put-cost-${newId()}/`;
  const body = 'a small file\n'.repeat(20);
  const ways: Record<string, (i: number) => Promise<void>> = {
    'SDK command (PutObjectCommand)': async (i) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: stackSettings.bucket,
          Key: `${prefix}c${i}`,
          Body: body,
          ContentType: 'text/plain',
        }),
      );
    },
    'putObject (signer + handler)': (i) =>
      putObject(s3, { bucket: stackSettings.bucket, key: `${prefix}p${i}`, body, contentType: 'text/plain' }),
  };
  try {
    for (let r = 1; r <= rounds; r++) {
      for (const [way, put] of Object.entries(ways)) {
        const m = await measure(puts, put);
        console.log(
          `round ${r} ${way}: ${m.rate} PutObject/s, client ${m.clientMs.toFixed(3)} ms, S3 server ${m.serverMs.toFixed(3)} ms of CPU a put`,
        );
      }
    }
  } finally {
    s3.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
