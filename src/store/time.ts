/** The store's timestamp format: ISO-8601 in UTC, which sorts as text. */
export function isoNow(): string {
  return new Date().toISOString();
}
