/**
 * Two tiers (STYLE.md): fast unit specs beside the code (src/**\/*.spec.ts) and end-to-end specs
 * in test/ on a real PostgreSQL started once per run (test/support/global-setup.ts).
 */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest'] };
// ES-module-only dependencies that jest (CommonJS) must compile first.
const transformIgnorePatterns = ['^(?!.*/node_modules/content-disposition/).*/node_modules/'];

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
