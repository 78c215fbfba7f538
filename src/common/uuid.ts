/** The one UUID rule: ids of API keys and backfill runs (any version, either case). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path id can name a row at all. A malformed id is answered like an unknown one (404),
 * without asking the database, which would reject it as a uuid.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
