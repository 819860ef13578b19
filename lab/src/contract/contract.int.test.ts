import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import request from 'supertest';
import {
  closeServer,
  createHttpServer,
  createMetricsRegistry,
  defaultHttpTimeouts,
  listen,
  newApiKey,
} from '@fileflow/common';
import { findApiKeyHash, insertApiKey } from '@fileflow/db';
import { createTestEnv, type TestEnv } from '@fileflow/testkit';
import { startPipeline, type Pipeline } from '../harness';
import { repoRoot } from '../repo-root';
import { ensureSchemathesis, runSchemathesis, schemathesisVersion } from './schemathesis';

/**
 * Schemathesis against the served contract, every check on, in all its phases (the contract's
 * examples, its boundaries, fuzzing, and stateful sequences that follow the contract's links:
 * POST /files, then GET the file and its content): no 5xx, every answer conforms to the contract,
 * no status it does not list. The whole pipeline runs, so files are made while it fuzzes.
 */
const pepper = 'contract-pepper-'.padEnd(48, 'x');
const maxExamples = Number(process.env.CONTRACT_MAX_EXAMPLES ?? 100);
const logPath = join(repoRoot, '.stack/logs/schemathesis.log');
let env: TestEnv;
let pipeline: Pipeline;
let server: Server;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  env = await createTestEnv('contract');
  const key = newApiKey(pepper);
  await insertApiKey(env.db, { id: key.id, name: 'contract', secretHash: key.secretHash });
  token = key.token;
  pipeline = await startPipeline(env, {
    app: {
      auth: { pepper, required: false, findKey: (id) => findApiKeyHash(env.db, id) },
      metrics: createMetricsRegistry('api', { processMetrics: false }),
      // A stream of a file still in flight ends within Schemathesis's request timeout.
      events: { pollMs: 100, maxMs: 2_000 },
    },
  });
  server = createHttpServer(pipeline.app, defaultHttpTimeouts);
  baseUrl = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
}, 600_000);
afterAll(async () => {
  await closeServer(server);
  await pipeline.stop();
  await env.cleanup();
});

it('serves the contract it is fuzzed against', async () => {
  const doc = (await request(pipeline.app).get('/openapi.json').expect(200)).body;
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/files', '/files/{id}', '/files/{id}/content', '/files/{id}/retry']),
  );
  await request(pipeline.app).get('/docs').expect(200).expect('content-type', /html/);
});

it(`passes Schemathesis ${schemathesisVersion} with every check but use_after_free, stateful links included`, async () => {
  const st = await ensureSchemathesis((line) => console.log(line));
  const result = await runSchemathesis(
    st,
    [
      '--config-file',
      join(repoRoot, 'lab/contract/schemathesis.toml'),
      'run',
      `${baseUrl}/openapi.json`,
      '--url',
      baseUrl,
      '--checks',
      'all',
      // A deleted file stays readable, expired (lab/contract/schemathesis.toml says why).
      '--exclude-checks',
      'use_after_free',
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--max-examples',
      String(maxExamples),
      '--request-timeout',
      '10',
      '--header',
      `Authorization: Bearer ${token}`,
    ],
    540_000,
  );
  mkdirSync(dirname(logPath), { recursive: true });
  writeFileSync(logPath, result.output);
  const summary = result.output.split('\n').filter((l) => /test cases|generated|passed|failed|seed/i.test(l));
  console.log(`Schemathesis ${schemathesisVersion} (whole output: ${logPath}):\n${summary.join('\n')}`);
  if (result.code !== 0) console.log(result.output.slice(-20_000));
  expect(result.code).toBe(0);
}, 600_000);
