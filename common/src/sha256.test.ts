import { Sha256 as SmithySha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { s3Signer } from './s3-put';
import { hmacKey, hmacSha256, Sha256 } from './sha256';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Sha256', () => {
  it('hashes as SHA-256 without a secret', async () => {
    const h = new Sha256();
    h.update(new TextEncoder().encode('abc'));
    expect(hex(await h.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is HMAC-SHA256 with a secret (RFC 4231, test case 2), given as text or bytes', async () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    for (const secret of ['Jefe', Buffer.from('Jefe'), new Uint8Array(Buffer.from('Jefe')).buffer]) {
      const h = new Sha256(secret);
      h.update('what do ya want ', 'utf8');
      h.update(Buffer.from('for nothing?'));
      expect(hex(await h.digest())).toBe(expected);
    }
    expect(hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')).toBe(expected);
  });

  it('answers as the SDK’s own hash does, after a reset too', async () => {
    for (const secret of [undefined, 'AWS4secret', new Uint8Array(32).fill(7)]) {
      const ours = new Sha256(secret);
      const sdk = new SmithySha256(secret);
      ours.update(Buffer.from('discarded'));
      ours.reset();
      for (const part of ['PUT\n/bucket/key\n', 'é😀']) {
        ours.update(Buffer.from(part));
        sdk.update(Buffer.from(part));
      }
      expect(hex(await ours.digest())).toBe(hex(await sdk.digest()));
    }
  });

  it('makes one key per secret, and a different one for another', () => {
    expect(hmacKey('a')).toBe(hmacKey(Buffer.from('a')));
    expect(hmacKey('a')).not.toBe(hmacKey('b'));
    for (let i = 0; i < 100; i++) hmacKey(`k${i}`); // past the cache's size, keys are still right
    expect(hmacSha256('k1', 'x')).toEqual(hmacSha256(Buffer.from('k1'), 'x'));
  });

  it('gives SigV4 the signature the SDK’s hash gives', async () => {
    const sign = (sha256: typeof Sha256 | typeof SmithySha256) =>
      s3Signer({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256 }).sign(
        new HttpRequest({
          method: 'PUT',
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: 4566,
          path: '/file-storage-bucket/files/1.txt',
          headers: { host: '127.0.0.1:4566', 'content-type': 'text/plain' },
          body: Buffer.from('title\n\ndescription'),
        }),
        { signingDate: new Date('2026-12-07T05:00:00Z') },
      );
    const [ours, sdk] = await Promise.all([sign(Sha256), sign(SmithySha256)]);
    expect(ours.headers.authorization).toBe(sdk.headers.authorization);
    expect(ours.headers['x-amz-content-sha256']).toBe(sdk.headers['x-amz-content-sha256']);
  });
});
