import { defuseFormula } from './csv-formula.js';

/** How a record's value is written in a CSV cell or an HTML table: null and missing are empty, objects are JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return stringifyJson(value);
}

/** JSON.stringify that also accepts bigint (written as a string), which some database drivers return. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  }
}

const needsQuotes = /[",\r\n]/;

/** One RFC 4180 field: quoted when it holds a quote, a comma or a line break, with quotes doubled. */
export function csvField(text: string): string {
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One RFC 4180 record, ended by CRLF. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

/**
 * How a record's value is written in a CSV cell: as cellText, with text that a spreadsheet would run as a formula
 * prefixed by a single quote (see csv-formula.ts). Numbers (and bigints and booleans) are never prefixed.
 */
export function csvCell(value: unknown): string {
  const text = cellText(value);
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
    ? text
    : defuseFormula(text);
}

/**
 * One item's CSV: a header of every column (the union of the records' keys), then one row per record, each value
 * as csvCell (the column names are guarded the same way).
 */
export async function* csvTable(
  columns: readonly string[],
  records: AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<string> {
  yield csvLine(columns.map(defuseFormula));
  for await (const record of records) yield csvLine(columns.map((c) => csvCell(record[c])));
}
