/**
 * Three projects: `unit` (pure logic, no stack); `integration` (real Postgres, Kafka and S3,
 * which the global setup brings up if they are not already running; every test file creates
 * its own database, topics, consumer groups and S3 prefix, so files run in parallel); and
 * `chaos`, the failure-injection suite, which kills shared servers and so runs alone, after.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
};
const roots = [
  '<rootDir>/common',
  '<rootDir>/db',
  '<rootDir>/api',
  '<rootDir>/outbox-relay',
  '<rootDir>/file-processor',
  '<rootDir>/infra',
  '<rootDir>/ops',
  '<rootDir>/testkit',
  '<rootDir>/lab',
];

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      testMatch: ['**/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$', '\\.chaos\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      testMatch: ['**/src/**/*.int.test.ts', '**/src/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/lab/src/harness/global-setup.ts',
    },
    {
      // Kills and restarts the shared servers: run it alone (`npm run test:chaos`, --runInBand).
      displayName: 'chaos',
      roots: ['<rootDir>/lab'],
      transform,
      testMatch: ['**/src/**/*.chaos.test.ts'],
      globalSetup: '<rootDir>/lab/src/harness/global-setup.ts',
    },
  ],
};
