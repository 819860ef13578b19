import type { Readable } from 'node:stream';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4, type SignatureV4CryptoInit, type SignatureV4Init } from '@smithy/signature-v4';
import type { Endpoint, HttpResponse } from '@smithy/types';
import { SpanKind, inSpan } from './tracing';

/** One object to write. */
export interface S3PutInput {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array | string;
  readonly contentType: string;
}

/** The longest error document read from an answer that is not 2xx; S3's are a few hundred bytes. */
const MAX_ERROR_BODY = 16 * 1024;

type Send = (o: S3PutInput) => Promise<void>;
const senders = new WeakMap<S3Client, Send>();

/**
 * PutObject through `client`'s own signer settings and HTTP handler, without the SDK's command
 * pipeline around them. That pipeline (endpoint rules, schema serialisation, retry and user-agent
 * middleware) costs about three times what signing and sending a small object does (see
 * docs/benchmarks.md, "What moved each number"), and was the largest single cost of a file in
 * the processor. What stays the SDK's: SigV4 with the payload's SHA-256 (`@smithy/signature-v4`,
 * with the client's region, credentials and hash), and the client's request handler, so its
 * connection, request and socket timeouts and its kept-alive sockets (`createS3Client`).
 * Path-style addressing, as `createS3Client`. An answer other than 2xx throws an
 * `S3ServiceException` named by S3's error code, with its HTTP status in `$metadata`, as the SDK
 * does; network errors and timeouts are the handler's, as with the SDK. No retries: the caller's
 * policy decides (`maxAttempts: 1` in `createS3Client` too).
 *
 * While tracing is on, each put is one client span `S3.PutObject` (the name and attributes the
 * SDK's instrumentation gives its calls), with the HTTP span beneath it suppressed, as that
 * instrumentation does.
 */
export function putObject(client: S3Client, o: S3PutInput): Promise<void> {
  const send = senderOf(client);
  return inSpan(
    'S3.PutObject',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'S3',
        'rpc.method': 'PutObject',
        'aws.s3.bucket': o.bucket,
      },
    },
    () => context.with(suppressTracing(context.active()), () => send(o)),
  );
}

/** `client`'s sender, made on its first put. */
function senderOf(client: S3Client): Send {
  let send = senders.get(client);
  if (!send) {
    send = senderFor(client);
    senders.set(client, send);
  }
  return send;
}

/** SigV4 as S3 wants it, with a client's region, credentials and hash: what `putObject` signs with. */
export function s3Signer(o: Pick<SignatureV4Init, 'region' | 'credentials'> & SignatureV4CryptoInit): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: o.region,
    credentials: o.credentials,
    sha256: o.sha256,
    uriEscapePath: false, // S3 signs the path as sent, each segment escaped once (below)
    applyChecksum: true, // x-amz-content-sha256 of the body, which S3 requires
  });
}

function senderFor(client: S3Client): Send {
  const config = client.config;
  const signer = s3Signer(config);
  const resolveEndpoint = config.endpoint;
  let endpoint: Promise<Endpoint> | undefined; // resolved once, on the first put
  return async (o) => {
    if (!resolveEndpoint) throw new Error('the S3 client has no endpoint (createS3Client sets one)');
    const e = await (endpoint ??= resolveEndpoint());
    const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
    const base = e.path.replace(/\/+$/, '');
    const request = new HttpRequest({
      method: 'PUT',
      protocol: e.protocol,
      hostname: e.hostname,
      ...(e.port === undefined ? {} : { port: e.port }),
      path: `${base}/${escapeSegment(o.bucket)}/${o.key.split('/').map(escapeSegment).join('/')}`,
      query: {},
      headers: {
        host: e.port === undefined ? e.hostname : `${e.hostname}:${e.port}`,
        'content-type': o.contentType,
        'content-length': String(body.byteLength),
      },
      body,
    });
    const signed = await signer.sign(request);
    const { response } = (await config.requestHandler.handle(signed as HttpRequest)) as { response: HttpResponse };
    const stream = response.body as Readable | undefined;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      stream?.resume();
      return;
    }
    throw errorOf(response.statusCode, response.headers, stream ? await readBounded(stream) : '');
  };
}

/** A path segment as S3 signs and reads it: RFC 3986 unreserved characters kept, all else percent-encoded. */
export const escapeSegment = (segment: string): string =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An error answer as the SDK reports it: named by S3's `<Code>`, with the status and request id. Pure. */
export function errorOf(status: number, headers: Record<string, string>, xml: string): S3ServiceException {
  const field = (tag: string) => new RegExp(`<${tag}>([^<]{1,256})</${tag}>`).exec(xml)?.[1];
  const code = field('Code') ?? (status === 404 ? 'NotFound' : 'UnknownError');
  const requestId = headers['x-amz-request-id'] ?? field('RequestId');
  return new S3ServiceException({
    name: code,
    message: field('Message') ?? code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, ...(requestId ? { requestId } : {}) },
  });
}

/** At most MAX_ERROR_BODY bytes of `stream` as text; the rest is drained unread. */
async function readBounded(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY) chunks.push(chunk.subarray(0, MAX_ERROR_BODY - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
