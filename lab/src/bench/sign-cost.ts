/**
 * `npx tsx lab/src/bench/sign-cost.ts [SIGNS=30000] [ROUNDS=2]`
 *
 * CPU time of what the processor does to sign one small PutObject (SigV4 with the payload's
 * SHA-256, `s3Signer` as `putObject` uses it), with the SDK's own hash (`@smithy/core/checksum`) and with the
 * project's (`Sha256`, HMAC secrets as KeyObjects), and of one HMAC-SHA256 keyed by a Buffer and
 * by a KeyObject. In-process, no server; alternate rounds so JIT warm-up shows between rounds.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { s3Signer, Sha256 } from '@fileflow/common';

/** Mean µs of `f` over `n` calls, after `n / 5` unmeasured. */
async function micros(n: number, f: () => unknown): Promise<number> {
  for (let i = 0; i < n / 5; i++) await f();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

function signer(sha256: typeof Sha256 | typeof SdkSha256): () => Promise<unknown> {
  const s = s3Signer({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256 });
  const body = Buffer.from('a small file\n'.repeat(20));
  const headers = { host: '127.0.0.1:4566', 'content-type': 'text/plain', 'content-length': String(body.length) };
  const path = '/file-storage-bucket/files/1.txt';
  return () =>
    s.sign(
      new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path, headers, body }),
    );
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 30_000);
  const rounds = Number(process.argv[3] ?? 2);
  const key = Buffer.alloc(32, 7);
  const keyObject = createSecretKey(key);
  const data = Buffer.alloc(200, 1);
  for (let r = 1; r <= rounds; r++) {
    const sdk = await micros(n, signer(SdkSha256));
    const ours = await micros(n, signer(Sha256));
    const byBuffer = await micros(n, () => createHmac('sha256', key).update(data).digest());
    const byKeyObject = await micros(n, () => createHmac('sha256', keyObject).update(data).digest());
    console.log(
      `round ${r} (Node ${process.versions.node}): SigV4 sign ${sdk.toFixed(1)} µs with the SDK's hash, ${ours.toFixed(1)} µs with Sha256; ` +
        `HMAC-SHA256 of 200 bytes ${byBuffer.toFixed(1)} µs keyed by a Buffer, ${byKeyObject.toFixed(1)} µs by a KeyObject`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
