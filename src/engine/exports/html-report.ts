import { join } from 'node:path';
import type { ItemRunResult, SubjectRef } from '../../items/index.js';
import { cellText } from './csv.js';
import { csvFormulaNote } from './csv-formula.js';
import { readLines, readStagedRecords } from './read-lines.js';
import { htmlRecordLimit, type StagedFile, type StagedItem, stagedNames } from './stage-item.js';

/** How many characters of one value the HTML report shows. */
export const htmlCellLimit = 1000;

export interface ReportItem {
  key: string;
  title: string;
  group: string;
  result: ItemRunResult;
  staged?: StagedItem;
  /** The item's CSV inside the package, when it has rows. */
  csvPath?: string;
}

export interface ReportInput {
  subject: SubjectRef;
  exportType: { idnumber: string; name: string; includeFiles: boolean };
  createdAt: string;
  items: readonly ReportItem[];
  /** Where the staged items are (the parts folder's `items/`). */
  itemsDir: string;
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const numberFormat = new Intl.NumberFormat('en');

function formatCount(n: number): string {
  return numberFormat.format(n);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function formatDate(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/** A link to a file inside the package, relative to index.html. */
function hrefOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function truncate(text: string): string {
  return text.length > htmlCellLimit ? `${text.slice(0, htmlCellLimit)}…` : text;
}

const styles = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --bg: #f6f7f9; --accent: #2d5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 0 0 4px; }
section, header { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.key, .muted { color: var(--muted); font-size: 0.9em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f6; position: sticky; top: 0; }
td { white-space: pre-wrap; word-break: break-word; max-width: 40ch; }
td.num { text-align: right; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 0.85em; background: #e3e7ee; }
.status-success { background: #dcf1e1; color: #185c2b; }
.status-error, .status-timed-out { background: #fbe0de; color: #8a1f17; }
.status-skipped, .status-cancelled { background: #f3ecd6; color: #6b5312; }
.note { background: #fff8e1; border-left: 4px solid #e0b400; padding: 6px 10px; }
a { color: var(--accent); }
footer { color: var(--muted); font-size: 0.85rem; text-align: center; padding: 8px; }
`;

function statusBadge(result: ItemRunResult): string {
  return `<span class="status status-${escapeHtml(result.status)}">${escapeHtml(result.status)}</span>`;
}

async function* recordsTable(item: ReportItem, staged: StagedItem, itemsDir: string): AsyncGenerator<string> {
  const shown = Math.min(staged.count, htmlRecordLimit);
  const columns = staged.columns.slice(0, staged.sampleColumnCount);
  if (shown < staged.count) {
    yield `<p class="note">Showing the first ${formatCount(shown)} of ${formatCount(staged.count)} records. ` +
      `All of them are in data.json${item.csvPath ? ` and ${escapeHtml(item.csvPath)}` : ''}.</p>\n`;
  }
  yield '<div class="scroll"><table>\n<thead><tr><th>#</th>';
  for (const column of columns) yield `<th>${escapeHtml(column)}</th>`;
  yield '</tr></thead>\n<tbody>\n';
  let n = 0;
  for await (const record of readStagedRecords(join(itemsDir, staged.dir, stagedNames.records), shown)) {
    n++;
    let row = `<tr><td class="num">${n}</td>`;
    for (const column of columns) row += `<td>${escapeHtml(truncate(cellText(record[column])))}</td>`;
    yield row + '</tr>\n';
  }
  yield '</tbody></table></div>\n';
}

async function* filesList(staged: StagedItem, itemsDir: string): AsyncGenerator<string> {
  const shown = Math.min(staged.fileCount, htmlRecordLimit);
  yield `<h3>Files (${formatCount(staged.fileCount)}, ${formatBytes(staged.fileBytes)})</h3>\n`;
  if (shown < staged.fileCount) {
    yield `<p class="note">Showing the first ${formatCount(shown)} files. All of them are in the files folder and manifest.json.</p>\n`;
  }
  yield '<ul>\n';
  for await (const line of readLines(join(itemsDir, staged.dir, stagedNames.files), shown)) {
    const file = JSON.parse(line) as StagedFile;
    const label = file.path.split('/').slice(2).join('/');
    yield `<li><a href="${escapeHtml(hrefOf(file.path))}">${escapeHtml(label)}</a> <span class="muted">(${formatBytes(file.size)})</span></li>\n`;
  }
  yield '</ul>\n';
}

/**
 * The package's `index.html`, as a stream of text: a self-contained page (inline styles; a content security policy
 * that forbids scripts and outside assets) with the subject, the type, the date, each item's result and count,
 * and each item's first records. Every value is escaped.
 */
export async function* htmlReport(input: ReportInput): AsyncGenerator<string> {
  const { subject, exportType } = input;
  yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n` +
    `<title>Personal data export: ${escapeHtml(subject.fullName || subject.username)}</title>\n` +
    `<style>${styles}</style>\n</head>\n<body>\n<main>\n`;
  yield '<header>\n<h1>Personal data export</h1>\n<dl>\n' +
    `<dt>Name</dt><dd>${escapeHtml(subject.fullName)}</dd>\n` +
    `<dt>Username</dt><dd>${escapeHtml(subject.username)}</dd>\n` +
    `<dt>Email</dt><dd>${escapeHtml(subject.email)}</dd>\n` +
    `<dt>User id</dt><dd>${escapeHtml(subject.id)}</dd>\n` +
    `<dt>Export type</dt><dd>${escapeHtml(exportType.name)} <span class="key">(${escapeHtml(exportType.idnumber)})</span></dd>\n` +
    `<dt>Created</dt><dd>${escapeHtml(formatDate(input.createdAt))}</dd>\n` +
    '</dl>\n</header>\n';

  yield '<section>\n<h2>Summary</h2>\n<div class="scroll"><table>\n' +
    '<thead><tr><th>Data</th><th>Group</th><th>Result</th><th>Records</th><th>Files</th><th>Note</th></tr></thead>\n<tbody>\n';
  let index = 0;
  for (const item of input.items) {
    index++;
    yield `<tr><td><a href="#item-${index}">${escapeHtml(item.title)}</a><br><span class="key">${escapeHtml(item.key)}</span></td>` +
      `<td>${escapeHtml(item.group)}</td><td>${statusBadge(item.result)}</td>` +
      `<td class="num">${formatCount(item.result.count)}</td>` +
      `<td class="num">${formatCount(item.staged?.fileCount ?? 0)}</td>` +
      `<td>${escapeHtml(item.result.message ?? '')}</td></tr>\n`;
  }
  yield '</tbody></table></div>\n</section>\n';

  index = 0;
  for (const item of input.items) {
    index++;
    yield `<section id="item-${index}">\n<h2>${escapeHtml(item.title)}</h2>\n` +
      `<p class="muted">${escapeHtml(item.group)} · <span class="key">${escapeHtml(item.key)}</span> · ${statusBadge(item.result)}</p>\n`;
    if (item.result.message) yield `<p>${escapeHtml(item.result.message)}</p>\n`;
    const staged = item.staged;
    if (!staged) {
      yield '<p class="muted">No data from this item is included.</p>\n</section>\n';
      continue;
    }
    if (staged.count === 0) yield '<p class="muted">No records.</p>\n';
    else yield* recordsTable(item, staged, input.itemsDir);
    if (staged.fileCount > 0) yield* filesList(staged, input.itemsDir);
    yield '</section>\n';
  }
  yield '<footer>Made by Lethe. data.json holds every record, the csv folder one table per kind of data, ' +
    'and manifest.json the SHA-256 of every file in this package.' +
    `<p id="csv-formulas">${escapeHtml(csvFormulaNote)}</p></footer>\n</main>\n</body>\n</html>\n`;
}
