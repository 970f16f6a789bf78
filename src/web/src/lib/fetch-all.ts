/** Every row of a paged list, page by page, up to `max`. */
export async function fetchAll<T>(
  page: (offset: number, limit: number) => Promise<{ total: number; rows: T[] }>,
  max = 100_000,
): Promise<T[]> {
  const limit = 1000;
  const out: T[] = [];
  for (let offset = 0; offset < max; offset += limit) {
    const { total, rows } = await page(offset, limit);
    out.push(...rows);
    if (rows.length < limit || out.length >= total) break;
  }
  return out;
}
