/**
 * The reliability suite (npm run test:reliability): faults injected into the database link, the
 * upstream and the process, bad input, and sustained load, each a pass/fail check listed in
 * docs/RELIABILITY.md. Same real PostgreSQL and build as the e2e tier (global setup); files run
 * one at a time because several of them measure timing or take the machine for a while.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180_000,
};
