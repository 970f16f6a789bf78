import { defuseFormula } from '../exports/index.js';

const needsQuotes = /[",\r\n]/;

/**
 * A value as CSV text: null is empty, booleans are true/false, objects are JSON. Text that a spreadsheet would run
 * as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a single quote before it; numbers are
 * written as they are, so a negative number stays a number.
 */
export function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return defuseFormula(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return defuseFormula(JSON.stringify(value) ?? '');
}

/** One RFC 4180 field: quoted when it holds a quote, a comma or a line break, with its quotes doubled. */
export function csvField(value: unknown): string {
  const text = csvText(value);
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One RFC 4180 record, ended by CRLF. */
export function csvRecord(cells: readonly unknown[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
