/**
 * Global setup passes the throwaway server's address to the test files through the environment
 * (jest workers inherit it); only test code reads these variables.
 */
export interface TestState {
  adminUrl: string;
  dataDir: string;
}

export function readTestState(): TestState {
  const adminUrl = process.env.MDW_TEST_ADMIN_URL;
  if (!adminUrl)
    throw new Error('MDW_TEST_ADMIN_URL is unset: run e2e tests through jest (global setup)');
  return { adminUrl, dataDir: process.env.MDW_TEST_PG_DIR ?? '' };
}
