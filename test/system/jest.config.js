/**
 * System tests (`npm run test:system`): the real build with the Debian packages it runs with in
 * production (nginx; Chromium for the dashboard), on the same throwaway PostgreSQL as the e2e
 * tier. `.ci/run` installs the packages when they are missing.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
  testTimeout: 120_000,
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
