/**
 * System tests: the whole product driven from outside, as a user or an operator would (a real
 * browser on the dashboard, real nginx in front of the API). Slower than e2e, so a separate
 * run: `npm run test:system`. Shares e2e's global setup (build dist/ and the dashboard, one
 * throwaway PostgreSQL).
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
};
