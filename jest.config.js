/**
 * Two projects: `unit` (pure logic, no stack) and `integration` (real Postgres, Kafka and S3,
 * which the global setup brings up if they are not already running). Every integration test
 * file creates its own database, topics, consumer groups and S3 prefix, so files run in
 * parallel.
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
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      testMatch: ['**/src/**/*.int.test.ts', '**/src/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/lab/src/harness/global-setup.ts',
      setupFiles: ['<rootDir>/lab/src/harness/jest-env.ts'],
    },
  ],
};
