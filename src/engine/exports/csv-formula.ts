/**
 * CSV formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return as a formula, so a value such as `=HYPERLINK(...)` in someone's data would run when
 * the CSV is opened. Lethe's CSV writers put a single quote before such text, which spreadsheets show as text.
 * Numbers are written as they are (a negative number stays a number); data.json and JSON lines keep exact values.
 */

/** What is put before a text cell that looks like a formula. */
export const csvFormulaPrefix = "'";

/** The characters that make a spreadsheet read a cell as a formula when they start it. */
export const csvFormulaStarts = ['=', '+', '-', '@', '\t', '\r'] as const;

const formulaStart = /^[=+\-@\t\r]/;

/** True when a spreadsheet would read this text, as a cell, as a formula. */
export function looksLikeFormula(text: string): boolean {
  return formulaStart.test(text);
}

/** The text as a spreadsheet will show it as text: prefixed with a single quote when it looks like a formula. */
export function defuseFormula(text: string): string {
  return looksLikeFormula(text) ? csvFormulaPrefix + text : text;
}

/** What the package's manifest and index.html say about it. */
export const csvFormulaNote =
  "In the CSV files, a text value that starts with =, +, -, @, a tab or a carriage return has a single quote (') " +
  'put before it, so that a spreadsheet shows it as text instead of running it as a formula. ' +
  'Numbers are unchanged, and data.json holds every value exactly.';
