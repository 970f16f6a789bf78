import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type {
  ExportFile,
  ExportRecord,
  Item,
  ItemKey,
  ItemRunResult,
  SubjectRef,
} from '../../items/index.js';
import { csvCell } from './csv.js';
import { type ExportPackageInput, htmlRecordLimit, writeExportPackage } from './index.js';

// ---------- helpers: reading the package back ----------

interface ZipEntryRead {
  name: string;
  size: number;
  sha256: string;
  data: Buffer | undefined;
}

/** Every entry of a ZIP, hashed as it streams; the bytes kept only for entries of at most `keepUpTo` bytes. */
function readZip(path: string, keepUpTo = 8 * 1024 * 1024): Promise<Map<string, ZipEntryRead>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const out = new Map<string, ZipEntryRead>();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const hash = createHash('sha256');
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            size += chunk.length;
            if (entry.uncompressedSize <= keepUpTo) chunks.push(chunk);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(entry.fileName, {
              name: entry.fileName,
              size,
              sha256: hash.digest('hex'),
              data: entry.uncompressedSize <= keepUpTo ? Buffer.concat(chunks) : undefined,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function text(entries: Map<string, ZipEntryRead>, name: string): string {
  const entry = entries.get(name);
  if (!entry?.data) throw new Error(`no entry ${name}`);
  return entry.data.toString('utf8');
}

function json<T>(entries: Map<string, ZipEntryRead>, name: string): T {
  return JSON.parse(text(entries, name)) as T;
}

/** A small RFC 4180 parser: quoted fields, doubled quotes, CRLF records. */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && input[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------- helpers: items ----------

const subject: SubjectRef = {
  id: 'u-42',
  username: 'alice',
  email: 'alice@example.test',
  fullName: 'Alice <script>alert("x")</script> Smith',
  kind: 'learner',
  status: 'active',
};
const anonymousUser: SubjectRef = {
  id: 'anon',
  username: 'anonymous',
  email: 'anonymous@invalid',
  fullName: 'Anonymous',
  kind: 'system',
  status: 'active',
};

interface ItemSpec {
  component: string;
  name: string;
  records?: () => AsyncIterable<ExportRecord>;
  files?: () => AsyncIterable<ExportFile>;
  noExport?: boolean;
  calls?: { n: number };
}

function makeItem(spec: ItemSpec): Item {
  const item: Item = {
    component: spec.component,
    name: spec.name,
    group: `Group ${spec.component}`,
    title: `Title of ${spec.name}`,
    help: '',
    sortOrder: 0,
    modes: {},
  };
  if (!spec.noExport) {
    item.export = {
      records: (ctx) => {
        if (spec.calls) spec.calls.n++;
        expect(ctx.subject.id).toBe(subject.id);
        return spec.records ? spec.records() : (async function* () {})();
      },
      ...(spec.files ? { files: spec.files } : {}),
    };
  }
  return item;
}

async function* fromArray<T>(values: readonly T[]): AsyncGenerator<T> {
  for (const v of values) yield v;
}

function bufferFile(name: string, data: Buffer): ExportFile {
  return { name, size: data.length, open: () => Readable.from([data]) };
}

const postRecords: ExportRecord[] = [
  { id: 1, subject: 'Hello, world', message: 'She said "hi"\nthen left', created: '2024-01-02T03:04:05Z' },
  {
    id: 2,
    subject: '<script>alert(1)</script>',
    message: 'Ünïcødé ✓ 😀 \u2028 line sep',
    tags: ['a', 'b'],
    meta: { x: 1 },
  },
  { id: 3, subject: null, message: '', extra: true, score: 1.5 },
];
const fileA = Buffer.from('first file\n');
const fileB = Buffer.alloc(300_000, 7);

let outDir: string;
beforeEach(() => {
  outDir = mkdtempSync(join(tmpdir(), 'lethe-export-'));
});
afterEach(() => {
  rmSync(outDir, { recursive: true, force: true });
});

function baseInput(items: Item[], extra: Partial<ExportPackageInput> = {}): ExportPackageInput {
  return {
    subject,
    exportType: { idnumber: 'full', name: 'Full export', includeFiles: true },
    items,
    ctxBase: { anonymousUser, timeLimitMs: 2000 },
    outDir,
    fileName: 'request-1',
    ...extra,
  };
}

interface Manifest {
  format: string;
  createdAt: string;
  subject: SubjectRef;
  exportType: { idnumber: string; name: string; includeFiles: boolean };
  items: Array<{ key: string; status: string; count: number; message?: string; files: number; csv?: string }>;
  files: Array<{ path: string; size: number; sha256: string }>;
}

describe('writeExportPackage', () => {
  it('writes every part of the package, and records failing items', async () => {
    const seen: Array<[ItemKey, ItemRunResult]> = [];
    const items = [
      makeItem({ component: 'forum', name: 'posts', records: () => fromArray(postRecords) }),
      makeItem({
        component: 'profile',
        name: 'fields',
        records: () => fromArray([{ field: 'city', value: 'Oslo' }]),
      }),
      makeItem({
        component: 'files',
        name: 'private',
        records: () => fromArray([{ file: 'a.txt' }, { file: 'b.bin' }]),
        files: () =>
          fromArray([
            bufferFile('a.txt', fileA),
            bufferFile('../../etc/passwd', Buffer.from('not really')),
            bufferFile('/abs/dir/b.bin', fileB),
            bufferFile('a.txt', Buffer.from('same name')),
            bufferFile('C:\\Users\\x\\doc.txt', Buffer.from('windows')),
          ]),
      }),
      makeItem({ component: 'empty', name: 'nothing' }),
      makeItem({
        component: 'broken',
        name: 'thrower',
        records: () =>
          (async function* () {
            yield { a: 1 };
            throw new Error('database went away');
          })(),
      }),
      makeItem({
        component: 'slow',
        name: 'hanger',
        records: () =>
          (async function* () {
            yield { a: 1 };
            await new Promise(() => undefined);
          })(),
      }),
      makeItem({ component: 'plain', name: 'noexport', noExport: true }),
    ];
    const result = await writeExportPackage(
      baseInput(items, {
        ctxBase: { anonymousUser, timeLimitMs: 400 },
        onItem: async (key, r) => {
          seen.push([key, r]);
        },
      }),
    );

    // The file on disk is the one reported, and nothing else is left behind.
    expect(result.path).toBe(join(outDir, 'request-1.zip'));
    expect(readdirSync(outDir)).toEqual(['request-1.zip']);
    const bytes = readFileSync(result.path);
    expect(result.size).toBe(bytes.length);
    expect(result.sha256).toBe(sha256(bytes));

    // Results, in order, through onItem and in the returned map.
    expect(seen.map(([k, r]) => [k, r.status, r.count])).toEqual([
      ['forum/posts', 'success', 3],
      ['profile/fields', 'success', 1],
      ['files/private', 'success', 2],
      ['empty/nothing', 'success', 0],
      ['broken/thrower', 'error', 0],
      ['slow/hanger', 'timed-out', 0],
      ['plain/noexport', 'skipped', 0],
    ]);
    expect(seen[4]?.[1].message).toBe('database went away');
    expect([...result.results.entries()]).toEqual(seen);

    const entries = await readZip(result.path);
    const names = [...entries.keys()];
    expect(names[0]).toBe('index.html');
    expect(names.at(-1)).toBe('manifest.json');
    expect(names.sort()).toEqual(
      [
        'index.html',
        'data.json',
        'csv/forum-posts.csv',
        'csv/profile-fields.csv',
        'csv/files-private.csv',
        'files/files-private/a.txt',
        'files/files-private/etc/passwd',
        'files/files-private/abs/dir/b.bin',
        'files/files-private/a (2).txt',
        'files/files-private/Users/x/doc.txt',
        'manifest.json',
      ].sort(),
    );
    for (const name of names) {
      expect(name.startsWith('/')).toBe(false);
      expect(name.split('/')).not.toContain('..');
    }

    // data.json: exactly what the successful items gave.
    const data = json<Record<string, ExportRecord[]>>(entries, 'data.json');
    expect(Object.keys(data)).toEqual(['forum/posts', 'profile/fields', 'files/private', 'empty/nothing']);
    expect(data['forum/posts']).toEqual(postRecords);
    expect(data['profile/fields']).toEqual([{ field: 'city', value: 'Oslo' }]);
    expect(data['empty/nothing']).toEqual([]);

    // CSV: the union of keys in first-seen order, each value as csvCell.
    const csv = parseCsv(text(entries, 'csv/forum-posts.csv'));
    const columns = ['id', 'subject', 'message', 'created', 'tags', 'meta', 'extra', 'score'];
    expect(csv[0]).toEqual(columns);
    expect(csv.slice(1)).toEqual(postRecords.map((r) => columns.map((c) => csvCell(r[c]))));
    expect(parseCsv(text(entries, 'csv/profile-fields.csv'))).toEqual([
      ['field', 'value'],
      ['city', 'Oslo'],
    ]);

    // Files: the bytes the item gave.
    expect(entries.get('files/files-private/a.txt')?.sha256).toBe(sha256(fileA));
    expect(entries.get('files/files-private/abs/dir/b.bin')?.sha256).toBe(sha256(fileB));
    expect(text(entries, 'files/files-private/a (2).txt')).toBe('same name');

    // Manifest: the results, and the size and hash of every other entry.
    const manifest = json<Manifest>(entries, 'manifest.json');
    expect(manifest.format).toBe('lethe-export/1');
    expect(manifest.subject).toEqual(subject);
    expect(manifest.exportType).toEqual({ idnumber: 'full', name: 'Full export', includeFiles: true });
    expect(manifest.createdAt).toBe(result.createdAt);
    expect(manifest.items.map((i) => [i.key, i.status, i.count, i.files])).toEqual([
      ['forum/posts', 'success', 3, 0],
      ['profile/fields', 'success', 1, 0],
      ['files/private', 'success', 2, 5],
      ['empty/nothing', 'success', 0, 0],
      ['broken/thrower', 'error', 0, 0],
      ['slow/hanger', 'timed-out', 0, 0],
      ['plain/noexport', 'skipped', 0, 0],
    ]);
    expect(manifest.items[0]?.csv).toBe('csv/forum-posts.csv');
    expect(manifest.items[3]?.csv).toBeUndefined();
    expect(manifest.items[4]?.message).toBe('database went away');
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      names.filter((n) => n !== 'manifest.json').sort(),
    );
    for (const file of manifest.files) {
      const entry = entries.get(file.path);
      expect(entry, file.path).toBeDefined();
      expect(file.sha256).toBe(entry?.sha256);
      expect(file.size).toBe(entry?.size);
    }

    // index.html: self-contained, and every value escaped.
    const html = text(entries, 'index.html');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|src=|https?:\/\//i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Alice &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Smith');
    expect(html).toContain('Full export');
    expect(html).toContain('database went away');
    expect(html).toContain('href="files/files-private/a%20(2).txt"');
  });

  it('leaves files out when the type does not include them', async () => {
    const items = [
      makeItem({
        component: 'files',
        name: 'private',
        records: () => fromArray([{ file: 'a.txt' }]),
        files: () => fromArray([bufferFile('a.txt', fileA)]),
      }),
    ];
    const result = await writeExportPackage(
      baseInput(items, { exportType: { idnumber: 'lite', name: 'Lite', includeFiles: false } }),
    );
    const entries = await readZip(result.path);
    expect([...entries.keys()].filter((n) => n.startsWith('files/'))).toEqual([]);
    expect(json<Manifest>(entries, 'manifest.json').items[0]?.files).toBe(0);
  });

  it('shows at most the first records of a large item in the HTML, and all of them elsewhere', async () => {
    const total = htmlRecordLimit + 250;
    const items = [
      makeItem({
        component: 'log',
        name: 'events',
        records: () =>
          (async function* (): AsyncGenerator<ExportRecord> {
            for (let i = 0; i < total; i++) yield i === total - 1 ? { n: i, late: 'x' } : { n: i };
          })(),
      }),
    ];
    const result = await writeExportPackage(baseInput(items));
    const entries = await readZip(result.path);
    const html = text(entries, 'index.html');
    expect(html.match(/<tr><td class="num">/g)?.length).toBe(htmlRecordLimit);
    expect(html).toContain(`Showing the first 1,000 of 1,250 records`);
    expect(json<Record<string, unknown[]>>(entries, 'data.json')['log/events']).toHaveLength(total);
    const csv = parseCsv(text(entries, 'csv/log-events.csv'));
    expect(csv[0]).toEqual(['n', 'late']);
    expect(csv).toHaveLength(total + 1);
    expect(csv[1]).toEqual(['0', '']);
    expect(csv[total]).toEqual([String(total - 1), 'x']);
  });

  it('records a record that is not an object as the item failing', async () => {
    const items = [
      makeItem({
        component: 'bad',
        name: 'records',
        records: () => fromArray([{ a: 1 }, 'nope' as unknown as ExportRecord]),
      }),
      makeItem({ component: 'good', name: 'records', records: () => fromArray([{ a: 1 }]) }),
    ];
    const result = await writeExportPackage(baseInput(items));
    expect(result.results.get('bad/records')).toEqual({
      status: 'error',
      count: 0,
      message: 'Record 2 is not an object.',
    });
    expect(result.results.get('good/records')?.status).toBe('success');
  });

  it('leaves nothing behind when the export is cancelled, and rejects with the reason', async () => {
    const controller = new AbortController();
    const items = [
      makeItem({ component: 'a', name: 'first', records: () => fromArray([{ a: 1 }]) }),
      makeItem({
        component: 'b',
        name: 'second',
        records: () =>
          (async function* () {
            yield { b: 1 };
            controller.abort(new Error('cancelled by admin'));
            await new Promise(() => undefined);
          })(),
      }),
      makeItem({ component: 'c', name: 'third', records: () => fromArray([{ c: 1 }]) }),
    ];
    const seen: string[] = [];
    await expect(
      writeExportPackage(
        baseInput(items, {
          signal: controller.signal,
          onItem: async (key, r) => {
            seen.push(`${key}:${r.status}`);
          },
        }),
      ),
    ).rejects.toThrow('cancelled by admin');
    expect(seen).toEqual(['a/first:success', 'b/second:cancelled']);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('leaves nothing behind when cancelled while the ZIP is being written', async () => {
    const controller = new AbortController();
    const item = makeItem({
      component: 'a',
      name: 'big',
      records: () =>
        (async function* () {
          for (let i = 0; i < 20_000; i++) yield { i, text: 'some text to make the package take a moment' };
        })(),
    });
    // The item's group is read when the package is put together, after every item has run.
    let reads = 0;
    Object.defineProperty(item, 'group', {
      get: () => {
        if (++reads === 1) controller.abort(new Error('cancelled while zipping'));
        return 'G';
      },
    });
    await expect(writeExportPackage(baseInput([item], { signal: controller.signal }))).rejects.toThrow(
      'cancelled while zipping',
    );
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses to start with a signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      writeExportPackage(baseInput([makeItem({ component: 'a', name: 'b' })], { signal: controller.signal })),
    ).rejects.toThrow();
    expect(existsSync(join(outDir, 'request-1.zip'))).toBe(false);
  });

  it('after an interruption, reuses the items that had finished and runs only the others', async () => {
    const calls = { a: { n: 0 }, b: { n: 0 }, c: { n: 0 } };
    const items = [
      makeItem({ component: 'a', name: 'one', calls: calls.a, records: () => fromArray([{ a: 1 }]) }),
      makeItem({
        component: 'b',
        name: 'two',
        calls: calls.b,
        records: () => fromArray([{ b: 2 }]),
        files: () => fromArray([bufferFile('b.txt', Buffer.from('bee'))]),
      }),
      makeItem({ component: 'c', name: 'three', calls: calls.c, records: () => fromArray([{ c: 3 }]) }),
    ];
    // The worker dies while recording item b's result: a and b are staged, c never ran.
    await expect(
      writeExportPackage(
        baseInput(items, {
          onItem: async (key) => {
            if (key === 'b/two') throw new Error('worker died');
          },
        }),
      ),
    ).rejects.toThrow('worker died');
    expect(existsSync(join(outDir, 'request-1.zip'))).toBe(false);
    expect(calls.a.n + calls.b.n + calls.c.n).toBe(2);

    const seen: string[] = [];
    const result = await writeExportPackage(
      baseInput(items, {
        onItem: async (key, r, info) => {
          seen.push(`${key}:${r.status}:${info.reused ? 'reused' : 'ran'}`);
        },
      }),
    );
    expect(seen).toEqual(['a/one:success:reused', 'b/two:success:reused', 'c/three:success:ran']);
    expect([calls.a.n, calls.b.n, calls.c.n]).toEqual([1, 1, 1]);
    const entries = await readZip(result.path);
    expect(json<Record<string, unknown[]>>(entries, 'data.json')).toEqual({
      'a/one': [{ a: 1 }],
      'b/two': [{ b: 2 }],
      'c/three': [{ c: 3 }],
    });
    expect(text(entries, 'files/b-two/b.txt')).toBe('bee');
    expect(readdirSync(outDir)).toEqual(['request-1.zip']);
  });

  it('starts afresh when resume is off or the leftovers belong to another subject', async () => {
    const calls = { n: 0 };
    const items = [makeItem({ component: 'a', name: 'one', calls, records: () => fromArray([{ a: 1 }]) })];
    const crash = async (): Promise<void> => {
      throw new Error('crash');
    };
    await expect(writeExportPackage(baseInput(items, { onItem: crash }))).rejects.toThrow('crash');
    await writeExportPackage(baseInput(items, { subject: { ...subject, id: 'other' } }));
    expect(calls.n).toBe(2);
    rmSync(join(outDir, 'request-1.zip'));
    await expect(writeExportPackage(baseInput(items, { onItem: crash }))).rejects.toThrow('crash');
    await writeExportPackage(baseInput(items, { resume: false }));
    expect(calls.n).toBe(4);
  });

  it('refuses bad input with a coded error', async () => {
    const item = makeItem({ component: 'a', name: 'b' });
    for (const bad of [
      baseInput([item], { fileName: '../escape' }),
      baseInput([item], { fileName: 'a/b' }),
      baseInput([item], { fileName: '' }),
      baseInput([item, item]),
      baseInput([item], { ctxBase: { anonymousUser, timeLimitMs: 0 } }),
      baseInput([item], { outDir: '' }),
    ]) {
      await expect(writeExportPackage(bad)).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    }
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('names the package after the subject and the time by default', async () => {
    const { fileName: _unused, ...input } = baseInput([makeItem({ component: 'a', name: 'b' })]);
    const result = await writeExportPackage(input);
    expect(result.path).toMatch(/export-u-42-\d{8}T\d{6}Z\.zip$/);
  });
});
