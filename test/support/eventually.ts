/**
 * Polling for what arrives asynchronously (another process's notification, a replica's replay):
 * tests wait for the outcome, never for a fixed time.
 */

/** Reads until `ok` holds or `timeoutMs` passes; returns the last value read (assert on it). */
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
