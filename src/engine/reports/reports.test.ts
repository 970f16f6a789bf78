import type { Insertable, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { LetheError } from '../../errors/index.js';
import type { RequestItemsTable, RequestsTable } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { updateSettings } from '../settings/index.js';
import { assignPurgeType, registerSubject } from '../subjects/index.js';
import { createExportType, createPurgeType } from '../types/index.js';
import {
  csvRecord,
  deletedSubjectsReport,
  exportsReport,
  openReportStream,
  purgesReport,
  type ReportKind,
  type ReportQuery,
  reportSortColumns,
  streamReport,
} from './index.js';

type RequestValues = Insertable<RequestsTable>;
type NewRequest = Partial<RequestValues> & Pick<RequestValues, 'kind' | 'subject_id' | 'created_at'>;

const requestDefaults: Omit<RequestValues, 'kind' | 'subject_id' | 'created_at'> = {
  origin: 'admin',
  status: 'succeeded',
  export_type_id: null,
  purge_type_id: null,
  plan: null,
  dry_run: 0,
  requested_by: 'cli:test',
  started_at: null,
  finished_at: null,
  attempts: 0,
  max_attempts: 3,
  lease_owner: null,
  lease_expires_at: null,
  subject_status: 'active',
  error: null,
  file_path: null,
  file_size: null,
  file_sha256: null,
  expires_at: null,
  download_token: null,
};

async function addRequest(engine: Engine, request: NewRequest): Promise<number> {
  const row = await engine.db
    .insertInto('requests')
    .values({ ...requestDefaults, ...request } as RequestValues)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

type NewItem = Pick<RequestItemsTable, 'item_key' | 'mode' | 'status' | 'count'> & {
  message?: string | null;
};

async function addItems(engine: Engine, requestId: number, items: NewItem[]): Promise<void> {
  await engine.db
    .insertInto('request_items')
    .values(items.map((item) => ({ message: null, ...item, request_id: requestId })))
    .execute();
}

/** A strict RFC 4180 parser: a bare quote, CR or LF outside a quoted field is an error. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\r' || c === '\n' || c === '"') {
      throw new Error(`bad CSV at offset ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('the CSV ends inside a record');
  return records;
}

async function collect(stream: AsyncIterable<string>): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    text += chunk;
    chunks++;
  }
  return { text, chunks };
}

async function refusal(promise: Promise<unknown>): Promise<LetheError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LetheError)) throw new Error(`expected a LetheError, got ${String(error)}`);
  return error;
}

interface Seed {
  types: { allData: number; profile: number; full: number; light: number; active: number };
  exports: Record<'e1' | 'e2' | 'e3' | 'e4' | 'e5', number>;
  purges: Record<'p1' | 'p2' | 'p3' | 'p4' | 'p5' | 'p6', number>;
}

async function seed(engine: Engine): Promise<Seed> {
  const people = [
    { id: 's1', username: 'alice', email: 'alice@x.test', fullName: 'Alice Archer', kind: 'staff' },
    { id: 's2', username: 'bob', email: 'bob@x.test', fullName: 'Bob, "the builder"' },
    { id: 's3', username: 'carol', email: 'carol@x.test', fullName: 'Carol Chu', status: 'suspended' },
    {
      id: 'd1',
      username: 'dora',
      email: 'dora@x.test',
      fullName: 'Dora Dean',
      status: 'deleted',
      statusChangedAt: '2024-03-01T00:00:00.000Z',
    },
    {
      id: 'd2',
      username: 'dave',
      email: 'dave@x.test',
      fullName: 'Dave Old',
      status: 'deleted',
      legacy: true,
      statusChangedAt: '2020-01-01T00:00:00.000Z',
    },
    {
      id: 'd3',
      username: 'dina',
      email: 'dina@x.test',
      fullName: 'Dina Doe',
      kind: 'staff',
      status: 'deleted',
      statusChangedAt: '2024-06-15T12:00:00.000Z',
    },
  ] as const;
  for (const p of people) await registerSubject(engine, 'cli', p);
  const allData = Number(
    (
      await engine.db
        .selectFrom('export_types')
        .select('id')
        .where('idnumber', '=', 'all-data')
        .executeTakeFirstOrThrow()
    ).id,
  );
  const profile = (await createExportType(engine, 'cli', { idnumber: 'profile', name: 'Profile only' })).id;
  const full = (
    await createPurgeType(engine, 'cli', {
      idnumber: 'deleted-full',
      name: 'Everything',
      status: 'deleted',
      allowAutomatic: true,
    })
  ).id;
  const light = (
    await createPurgeType(engine, 'cli', { idnumber: 'deleted-light', name: 'Light', status: 'deleted' })
  ).id;
  const active = (
    await createPurgeType(engine, 'cli', { idnumber: 'manual-active', name: 'Manual', status: 'active' })
  ).id;
  await assignPurgeType(engine, 'cli', ['d3'], 'deleted', 'deleted-light');

  const e1 = await addRequest(engine, {
    kind: 'export',
    subject_id: 's1',
    export_type_id: allData,
    created_at: '2024-01-10T10:00:00.000Z',
    started_at: '2024-01-10T10:00:01.000Z',
    finished_at: '2024-01-10T10:00:05.000Z',
    file_path: '/files/1.zip',
    file_size: 100,
    file_sha256: 'a'.repeat(64),
    expires_at: '2024-01-15T10:00:05.000Z',
  });
  const e2 = await addRequest(engine, {
    kind: 'export',
    subject_id: 's1',
    export_type_id: profile,
    origin: 'self',
    status: 'failed',
    created_at: '2024-02-10T10:00:00.000Z',
    error: 'disk full, "oops"',
  });
  const e3 = await addRequest(engine, {
    kind: 'export',
    subject_id: 's2',
    export_type_id: allData,
    origin: 'api',
    status: 'expired',
    created_at: '2024-03-10T10:00:00.000Z',
  });
  const e4 = await addRequest(engine, {
    kind: 'export',
    subject_id: 's3',
    export_type_id: profile,
    origin: 'self',
    status: 'pending',
    created_at: '2024-03-20T10:00:00.000Z',
    subject_status: 'suspended',
  });
  const e5 = await addRequest(engine, {
    kind: 'export',
    subject_id: 's2',
    export_type_id: allData,
    status: 'cancelled',
    created_at: '2024-01-05T10:00:00.000Z',
  });

  const purge = { kind: 'purge', subject_status: 'deleted' } as const;
  const p1 = await addRequest(engine, {
    ...purge,
    subject_id: 'd1',
    purge_type_id: full,
    origin: 'automatic:deleted',
    created_at: '2024-03-02T00:00:00.000Z',
    finished_at: '2024-03-02T01:00:00.000Z',
  });
  await addItems(engine, p1, [
    { item_key: 'forum/posts', mode: 'delete', status: 'success', count: 3 },
    { item_key: 'blog/entries', mode: 'anonymise', status: 'success', count: 2, message: 'ok, done' },
  ]);
  const p2 = await addRequest(engine, {
    ...purge,
    subject_id: 'd1',
    purge_type_id: full,
    origin: 'automatic:deleted',
    status: 'failed',
    created_at: '2024-03-05T00:00:00.000Z',
    finished_at: '2024-03-05T00:01:00.000Z',
    error: 'forum/posts failed',
  });
  await addItems(engine, p2, [
    {
      item_key: 'forum/posts',
      mode: 'delete',
      status: 'error',
      count: 0,
      message: 'boom\n"line2", with comma',
    },
    { item_key: 'blog/entries', mode: 'anonymise', status: 'success', count: 1 },
  ]);
  const p3 = await addRequest(engine, {
    ...purge,
    subject_id: 'd3',
    created_at: '2024-06-20T00:00:00.000Z',
    finished_at: '2024-06-20T00:00:30.000Z',
    plan: '[{"key":"helpdesk/emails","mode":"anonymise"}]',
  });
  await addItems(engine, p3, [
    { item_key: 'helpdesk/emails', mode: 'anonymise', status: 'success', count: 5 },
  ]);
  const p4 = await addRequest(engine, {
    ...purge,
    subject_id: 's1',
    subject_status: 'active',
    purge_type_id: active,
    dry_run: 1,
    created_at: '2024-04-01T00:00:00.000Z',
    finished_at: '2024-04-01T00:00:02.000Z',
  });
  await addItems(engine, p4, [{ item_key: 'forum/posts', mode: 'delete', status: 'success', count: 7 }]);
  const p5 = await addRequest(engine, {
    ...purge,
    subject_id: 'd1',
    purge_type_id: light,
    created_at: '2024-05-01T00:00:00.000Z',
    finished_at: '2024-05-01T00:10:00.000Z',
  });
  await addItems(engine, p5, [{ item_key: 'forum/posts', mode: 'delete', status: 'success', count: 0 }]);
  const p6 = await addRequest(engine, {
    ...purge,
    subject_id: 'd3',
    purge_type_id: light,
    origin: 'automatic:deleted',
    status: 'pending',
    created_at: '2024-07-01T00:00:00.000Z',
  });
  return {
    types: { allData, profile, full, light, active },
    exports: { e1, e2, e3, e4, e5 },
    purges: { p1, p2, p3, p4, p5, p6 },
  };
}

const ids = (page: { rows: { id: number }[] }) => page.rows.map((r) => r.id);
const subjectIds = (page: { rows: { subjectId: string }[] }) => page.rows.map((r) => r.subjectId);

describeEachStore('exportsReport', ({ store }) => {
  it('lists export requests newest first, joined with the subject and the type', async () => {
    const engine = testEngine(store());
    const { exports: e, types } = await seed(engine);
    const page = await exportsReport(engine);
    expect(page.total).toBe(5);
    expect(ids(page)).toEqual([e.e4, e.e3, e.e2, e.e1, e.e5]);
    const first = page.rows.find((r) => r.id === e.e1);
    expect(first).toEqual({
      id: e.e1,
      subjectId: 's1',
      username: 'alice',
      fullName: 'Alice Archer',
      email: 'alice@x.test',
      subjectKind: 'staff',
      origin: 'admin',
      status: 'succeeded',
      typeId: types.allData,
      typeIdnumber: 'all-data',
      typeName: 'All data',
      requestedBy: 'cli:test',
      createdAt: '2024-01-10T10:00:00.000Z',
      startedAt: '2024-01-10T10:00:01.000Z',
      finishedAt: '2024-01-10T10:00:05.000Z',
      attempts: 0,
      error: null,
      fileSize: 100,
      fileSha256: 'a'.repeat(64),
      expiresAt: '2024-01-15T10:00:05.000Z',
      available: true,
    });
    expect(page.rows.filter((r) => r.available).map((r) => r.id)).toEqual([e.e1]);
  });

  it('filters by status, type, origin, subject, kind and dates', async () => {
    const engine = testEngine(store());
    const { exports: e, types } = await seed(engine);
    expect(ids(await exportsReport(engine, { status: 'failed' }))).toEqual([e.e2]);
    expect(ids(await exportsReport(engine, { status: ['failed', 'expired'] }))).toEqual([e.e3, e.e2]);
    expect(ids(await exportsReport(engine, { status: 'failed,pending' }))).toEqual([e.e4, e.e2]);
    expect(ids(await exportsReport(engine, { type: 'profile' }))).toEqual([e.e4, e.e2]);
    expect(ids(await exportsReport(engine, { type: types.profile }))).toEqual([e.e4, e.e2]);
    expect(ids(await exportsReport(engine, { type: String(types.allData) }))).toEqual([e.e3, e.e1, e.e5]);
    expect(ids(await exportsReport(engine, { origin: 'self' }))).toEqual([e.e4, e.e2]);
    expect(ids(await exportsReport(engine, { subject: 's2' }))).toEqual([e.e3, e.e5]);
    expect(ids(await exportsReport(engine, { kind: 'staff' }))).toEqual([e.e2, e.e1]);
    expect(ids(await exportsReport(engine, { from: '2024-02-10', to: '2024-03-10' }))).toEqual([e.e3, e.e2]);
    expect(ids(await exportsReport(engine, { to: '2024-03-10T09:59:59.999Z' }))).toEqual([e.e2, e.e1, e.e5]);
    expect(ids(await exportsReport(engine, { to: '2024-03-10T10:00:00Z' }))).toEqual([
      e.e3,
      e.e2,
      e.e1,
      e.e5,
    ]);
    expect(ids(await exportsReport(engine, { from: '2024-03-10T12:00:00+02:00' }))).toEqual([e.e4, e.e3]);
    const combined = await exportsReport(engine, { origin: 'admin', type: 'all-data', status: 'cancelled' });
    expect(combined).toMatchObject({ total: 1, rows: [{ id: e.e5 }] });
  });

  it('sorts by a whitelisted column either way, nulls first ascending, and pages', async () => {
    const engine = testEngine(store());
    const { exports: e } = await seed(engine);
    expect(ids(await exportsReport(engine, { sort: 'createdAt:asc' }))).toEqual([
      e.e5,
      e.e1,
      e.e2,
      e.e3,
      e.e4,
    ]);
    expect(ids(await exportsReport(engine, { sort: 'username' }))).toEqual([e.e1, e.e2, e.e3, e.e5, e.e4]);
    expect(ids(await exportsReport(engine, { sort: 'username:desc' }))).toEqual([
      e.e4,
      e.e5,
      e.e3,
      e.e2,
      e.e1,
    ]);
    expect(ids(await exportsReport(engine, { sort: 'fileSize:desc' }))).toEqual([
      e.e1,
      e.e5,
      e.e4,
      e.e3,
      e.e2,
    ]);
    expect(ids(await exportsReport(engine, { sort: 'finishedAt' }))).toEqual([e.e2, e.e3, e.e4, e.e5, e.e1]);
    expect(ids(await exportsReport(engine, { sort: 'type:asc' }))).toEqual([e.e1, e.e3, e.e5, e.e2, e.e4]);
    const page = await exportsReport(engine, { sort: 'createdAt:asc', limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 5 });
    expect(ids(page)).toEqual([e.e2, e.e3]);
    expect(ids(await exportsReport(engine, { limit: '2', offset: '4', sort: 'createdAt:asc' }))).toEqual([
      e.e4,
    ]);
    expect(await exportsReport(engine, { offset: 10 })).toEqual({ total: 5, rows: [] });
  });
});

describeEachStore('purgesReport', ({ store }) => {
  it('gives every purge request with the result of each of its items', async () => {
    const engine = testEngine(store());
    const { purges: p, types } = await seed(engine);
    const page = await purgesReport(engine);
    expect(page.total).toBe(6);
    expect(ids(page)).toEqual([p.p6, p.p3, p.p5, p.p4, p.p2, p.p1]);
    const failed = page.rows.find((r) => r.id === p.p2);
    expect(failed).toMatchObject({
      subjectId: 'd1',
      username: 'dora',
      fullName: 'Dora Dean',
      email: 'dora@x.test',
      status: 'failed',
      origin: 'automatic:deleted',
      typeId: types.full,
      typeIdnumber: 'deleted-full',
      typeName: 'Everything',
      dryRun: false,
      error: 'forum/posts failed',
      items: [
        { key: 'blog/entries', mode: 'anonymise', status: 'success', count: 1, message: null },
        {
          key: 'forum/posts',
          mode: 'delete',
          status: 'error',
          count: 0,
          message: 'boom\n"line2", with comma',
        },
      ],
    });
    expect(page.rows.find((r) => r.id === p.p6)?.items).toEqual([]);
    expect(page.rows.find((r) => r.id === p.p3)).toMatchObject({
      typeId: null,
      typeIdnumber: null,
      typeName: null,
    });
  });

  it('filters by type (or none), status, origin, subject, kind, dry run and dates', async () => {
    const engine = testEngine(store());
    const { purges: p, types } = await seed(engine);
    expect(ids(await purgesReport(engine, { type: 'deleted-full' }))).toEqual([p.p2, p.p1]);
    expect(ids(await purgesReport(engine, { type: types.light }))).toEqual([p.p6, p.p5]);
    expect(ids(await purgesReport(engine, { type: 'none' }))).toEqual([p.p3]);
    expect(ids(await purgesReport(engine, { status: 'succeeded', dryRun: false }))).toEqual([
      p.p3,
      p.p5,
      p.p1,
    ]);
    expect(ids(await purgesReport(engine, { dryRun: 'true' }))).toEqual([p.p4]);
    expect(ids(await purgesReport(engine, { origin: 'automatic:deleted' }))).toEqual([p.p6, p.p2, p.p1]);
    expect(ids(await purgesReport(engine, { subject: 'd3' }))).toEqual([p.p6, p.p3]);
    expect(ids(await purgesReport(engine, { kind: 'staff' }))).toEqual([p.p6, p.p3, p.p4]);
    expect(ids(await purgesReport(engine, { from: '2024-03-05', to: '2024-05-01' }))).toEqual([
      p.p5,
      p.p4,
      p.p2,
    ]);
    expect(ids(await purgesReport(engine, { sort: 'status:asc', limit: 2 }))).toEqual([p.p2, p.p6]);
  });

  it('reads the item results of a whole page in one query, however many rows it has', async () => {
    const engine = testEngine(store());
    await seed(engine);
    let selects = 0;
    // transformResult runs once per executed query (transformQuery also sees subqueries as they are built).
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      async transformResult(args) {
        selects++;
        return args.result;
      },
    };
    const counted: Engine = { ...engine, db: engine.db.withPlugin(counter) };
    await purgesReport(counted, { limit: 1 });
    const forOne = selects;
    selects = 0;
    const page = await purgesReport(counted, { limit: 6 });
    expect(page.rows.reduce((n, r) => n + r.items.length, 0)).toBe(7);
    expect(selects).toBe(forOne);
    expect(forOne).toBe(3);
  });
});

describeEachStore('deletedSubjectsReport', ({ store }) => {
  it('lists deleted subjects, legacy ones marked, with their effective type and last purge', async () => {
    const engine = testEngine(store());
    const { purges: p, types } = await seed(engine);
    const before = await deletedSubjectsReport(engine);
    expect(before.total).toBe(3);
    expect(subjectIds(before)).toEqual(['d3', 'd1', 'd2']);
    expect(before.rows.find((r) => r.subjectId === 'd2')).toMatchObject({
      legacy: true,
      typeId: null,
      typeSource: null,
      purged: false,
      lastPurgedAt: null,
    });

    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'deleted-full' });
    const page = await deletedSubjectsReport(engine);
    expect(page.rows).toEqual([
      {
        subjectId: 'd3',
        username: 'dina',
        fullName: 'Dina Doe',
        email: 'dina@x.test',
        kind: 'staff',
        legacy: false,
        deletedAt: '2024-06-15T12:00:00.000Z',
        typeId: types.light,
        typeIdnumber: 'deleted-light',
        typeName: 'Light',
        typeSource: 'subject',
        purged: true,
        lastPurgeRequestId: p.p3,
        lastPurgedAt: '2024-06-20T00:00:30.000Z',
        lastPurgeTypeIdnumber: null,
        openPurgeRequestId: p.p6,
      },
      {
        subjectId: 'd1',
        username: 'dora',
        fullName: 'Dora Dean',
        email: 'dora@x.test',
        kind: 'learner',
        legacy: false,
        deletedAt: '2024-03-01T00:00:00.000Z',
        typeId: types.full,
        typeIdnumber: 'deleted-full',
        typeName: 'Everything',
        typeSource: 'default',
        purged: true,
        lastPurgeRequestId: p.p5,
        lastPurgedAt: '2024-05-01T00:10:00.000Z',
        lastPurgeTypeIdnumber: 'deleted-light',
        openPurgeRequestId: null,
      },
      {
        subjectId: 'd2',
        username: 'dave',
        fullName: 'Dave Old',
        email: 'dave@x.test',
        kind: 'learner',
        legacy: true,
        deletedAt: '2020-01-01T00:00:00.000Z',
        typeId: types.full,
        typeIdnumber: 'deleted-full',
        typeName: 'Everything',
        typeSource: 'default',
        purged: false,
        lastPurgeRequestId: null,
        lastPurgedAt: null,
        lastPurgeTypeIdnumber: null,
        openPurgeRequestId: null,
      },
    ]);
  });

  it('filters by purge state, effective type, legacy, kind, subject and deletion date, and sorts', async () => {
    const engine = testEngine(store());
    const { types } = await seed(engine);
    expect(subjectIds(await deletedSubjectsReport(engine, { type: 'none' }))).toEqual(['d1', 'd2']);
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'deleted-full' });
    expect(subjectIds(await deletedSubjectsReport(engine, { type: 'none' }))).toEqual([]);
    expect(subjectIds(await deletedSubjectsReport(engine, { type: 'deleted-full' }))).toEqual(['d1', 'd2']);
    expect(subjectIds(await deletedSubjectsReport(engine, { type: types.light }))).toEqual(['d3']);
    expect(subjectIds(await deletedSubjectsReport(engine, { status: 'purged' }))).toEqual(['d3', 'd1']);
    expect(subjectIds(await deletedSubjectsReport(engine, { status: 'not-purged' }))).toEqual(['d2']);
    expect(subjectIds(await deletedSubjectsReport(engine, { status: 'purged,not-purged' }))).toHaveLength(3);
    expect(subjectIds(await deletedSubjectsReport(engine, { legacy: true }))).toEqual(['d2']);
    expect(subjectIds(await deletedSubjectsReport(engine, { legacy: 'no' }))).toEqual(['d3', 'd1']);
    expect(subjectIds(await deletedSubjectsReport(engine, { kind: 'staff' }))).toEqual(['d3']);
    expect(subjectIds(await deletedSubjectsReport(engine, { subject: 'd1' }))).toEqual(['d1']);
    expect(subjectIds(await deletedSubjectsReport(engine, { subject: 's1' }))).toEqual([]);
    expect(subjectIds(await deletedSubjectsReport(engine, { from: '2024-01-01', to: '2024-06-15' }))).toEqual(
      ['d3', 'd1'],
    );
    expect(subjectIds(await deletedSubjectsReport(engine, { to: '2024-06-15T11:59:59Z' }))).toEqual([
      'd1',
      'd2',
    ]);
    expect(subjectIds(await deletedSubjectsReport(engine, { sort: 'lastPurgedAt:desc' }))).toEqual([
      'd3',
      'd1',
      'd2',
    ]);
    expect(subjectIds(await deletedSubjectsReport(engine, { sort: 'username' }))).toEqual(['d2', 'd3', 'd1']);
    expect(
      subjectIds(await deletedSubjectsReport(engine, { sort: 'type:desc', limit: 1, offset: 1 })),
    ).toEqual(['d2']);
  });
});

describeEachStore('report queries', ({ store }) => {
  const cases: [ReportKind, ReportQuery, string][] = [
    ['exports', { sort: 'password' }, 'sort'],
    ['exports', { sort: 'createdAt:sideways' }, 'sort'],
    ['exports', { sort: 'lastPurgedAt' }, 'sort'],
    ['exports', { from: '2024-02-30' }, 'from'],
    ['exports', { from: 'yesterday' }, 'from'],
    ['exports', { to: '2024-01-01T10:00' }, 'to'],
    ['exports', { from: '2024-02-01', to: '2024-01-01' }, 'to'],
    ['exports', { status: 'done' }, 'status'],
    ['purges', { status: 'expired' }, 'status'],
    ['deleted', { status: 'succeeded' }, 'status'],
    ['exports', { origin: 'robot' }, 'origin'],
    ['deleted', { origin: 'admin' }, 'origin'],
    ['exports', { legacy: true }, 'legacy'],
    ['exports', { dryRun: true }, 'dryRun'],
    ['purges', { dryRun: 'maybe' }, 'dryRun'],
    ['purges', { limit: 1001 }, 'limit'],
    ['purges', { limit: 0 }, 'limit'],
    ['purges', { limit: 'ten' }, 'limit'],
    ['deleted', { offset: -1 }, 'offset'],
    ['deleted', { subject: '' }, 'subject'],
    ['exports', { colour: 'red' } as ReportQuery, 'colour'],
  ];
  const run = (engine: Engine, kind: ReportKind, query: ReportQuery) =>
    kind === 'exports'
      ? exportsReport(engine, query)
      : kind === 'purges'
        ? purgesReport(engine, query)
        : deletedSubjectsReport(engine, query);

  it('refuses a bad field with LETHE_E_INVALID_INPUT naming it', async () => {
    const engine = testEngine(store());
    for (const [kind, query, field] of cases) {
      const error = await refusal(run(engine, kind, query));
      expect(error.code, `${kind} ${JSON.stringify(query)}`).toBe('LETHE_E_INVALID_INPUT');
      expect(error.details['field'], `${kind} ${JSON.stringify(query)}`).toBe(field);
      expect(error.message).toContain(field);
      const streamed = await refusal(collect(streamReport(engine, kind, query, 'csv')));
      expect(streamed.code).toBe('LETHE_E_INVALID_INPUT');
    }
  });

  it('refuses an unknown type idnumber with LETHE_E_TYPE_UNKNOWN, but takes the id of a deleted type', async () => {
    const engine = testEngine(store());
    await seed(engine);
    expect((await refusal(exportsReport(engine, { type: 'nope' }))).code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect((await refusal(purgesReport(engine, { type: 'nope' }))).code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect((await refusal(deletedSubjectsReport(engine, { type: 'nope' }))).code).toBe(
      'LETHE_E_TYPE_UNKNOWN',
    );
    expect((await refusal(exportsReport(engine, { type: 'none' }))).code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect(await purgesReport(engine, { type: 9999 })).toEqual({ total: 0, rows: [] });
    const stream = await refusal(openReportStream(engine, 'purges', { type: 'nope' }, 'csv'));
    expect(stream.code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect((await refusal(openReportStream(engine, 'purges', {}, 'csv', { pageSize: 0 }))).code).toBe(
      'LETHE_E_INVALID_INPUT',
    );
  });
});

describeEachStore('streamReport', ({ store }) => {
  it('writes the purges CSV with one record per request and item, quoting commas, quotes and newlines', async () => {
    const engine = testEngine(store());
    const { purges: p } = await seed(engine);
    const { text } = await collect(streamReport(engine, 'purges', { sort: 'id:asc' }, 'csv'));
    const records = parseCsv(text);
    const [header, ...rows] = records;
    expect(header).toContain('item_message');
    expect(rows).toHaveLength(8);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    const failedItem = rows.find(
      (r) => r[column('request_id')] === String(p.p2) && r[column('item_status')] === 'error',
    );
    expect(failedItem?.[column('item_message')]).toBe('boom\n"line2", with comma');
    expect(failedItem?.[column('item_key')]).toBe('forum/posts');
    expect(failedItem?.[column('item_count')]).toBe('0');
    expect(failedItem?.[column('type_idnumber')]).toBe('deleted-full');
    expect(failedItem?.[column('username')]).toBe('dora');
    const pending = rows.filter((r) => r[column('request_id')] === String(p.p6));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.[column('item_key')]).toBe('');
    expect(rows.map((r) => Number(r[column('request_id')]))).toEqual([
      p.p1,
      p.p1,
      p.p2,
      p.p2,
      p.p3,
      p.p4,
      p.p5,
      p.p6,
    ]);
    expect(text.includes('"boom\n""line2"", with comma"')).toBe(true);
  });

  it('quotes subject names with commas and quotes in the exports CSV', async () => {
    const engine = testEngine(store());
    const { exports: e } = await seed(engine);
    const { text } = await collect(streamReport(engine, 'exports', { subject: 's2', sort: 'id' }, 'csv'));
    const [header, ...rows] = parseCsv(text);
    expect(rows.map((r) => r[header?.indexOf('request_id') ?? -1])).toEqual([String(e.e3), String(e.e5)]);
    expect(rows[0]?.[header?.indexOf('full_name') ?? -1]).toBe('Bob, "the builder"');
    expect(text).toContain('"Bob, ""the builder"""');
    expect(csvRecord(['a', 'b,c', 'd"e', 'f\r\ng', null, 3, true])).toBe(
      'a,"b,c","d""e","f\r\ng",,3,true\r\n',
    );
  });

  it('writes JSON lines with the same rows as the report', async () => {
    const engine = testEngine(store());
    await seed(engine);
    for (const kind of ['exports', 'purges', 'deleted'] as const) {
      const { text } = await collect(streamReport(engine, kind, {}, 'jsonl'));
      const lines = text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      const page =
        kind === 'exports'
          ? await exportsReport(engine)
          : kind === 'purges'
            ? await purgesReport(engine)
            : await deletedSubjectsReport(engine);
      expect(lines).toEqual(JSON.parse(JSON.stringify(page.rows)));
    }
  });

  it('streams in the same order as the paged report for every sort, across keyset pages with ties and nulls', async () => {
    const engine = testEngine(store());
    await seed(engine);
    const statuses = ['failed', 'cancelled', 'expired', 'timed-out'];
    for (let i = 0; i < 40; i++) {
      await addRequest(engine, {
        kind: 'export',
        subject_id: ['s1', 's2', 's3', 'zz-unknown'][i % 4] ?? 's1',
        status: statuses[i % 4] ?? 'failed',
        origin: i % 3 === 0 ? 'self' : 'admin',
        export_type_id: i % 5 === 0 ? null : 1,
        created_at: `2024-08-0${(i % 3) + 1}T00:00:00.000Z`,
        started_at: i % 2 === 0 ? null : `2024-08-0${(i % 4) + 1}T00:00:00.000Z`,
        file_size: i % 3 === 0 ? null : i % 7,
      });
    }
    for (let i = 0; i < 12; i++) {
      await registerSubject(engine, 'cli', {
        id: `x${i}`,
        username: `user${i % 3}`,
        email: `x${i}@x.test`,
        fullName: `X ${i % 2}`,
        status: 'deleted',
        statusChangedAt: `2024-09-0${(i % 2) + 1}T00:00:00.000Z`,
      });
    }
    for (const kind of ['exports', 'purges', 'deleted'] as const) {
      for (const column of reportSortColumns[kind]) {
        for (const direction of ['asc', 'desc']) {
          const sort = `${column}:${direction}`;
          const key = (row: { id?: number; subjectId: string }) => row.id ?? row.subjectId;
          const paged =
            kind === 'exports'
              ? (await exportsReport(engine, { sort, limit: 1000 })).rows.map(key)
              : kind === 'purges'
                ? (await purgesReport(engine, { sort, limit: 1000 })).rows.map(key)
                : (await deletedSubjectsReport(engine, { sort, limit: 1000 })).rows.map(key);
          const { text, chunks } = await collect(
            streamReport(engine, kind, { sort }, 'jsonl', { pageSize: 3 }),
          );
          const streamed = text
            .trimEnd()
            .split('\n')
            .map((l) => key(JSON.parse(l) as { id?: number; subjectId: string }));
          expect(streamed, `${kind} ${sort}`).toEqual(paged);
          expect(chunks).toBe(Math.ceil(paged.length / 3));
        }
      }
    }
  });

  it('writes only the header for an empty report', async () => {
    const engine = testEngine(store());
    const { text } = await collect(streamReport(engine, 'deleted', {}, 'csv'));
    expect(parseCsv(text)).toHaveLength(1);
    expect((await collect(streamReport(engine, 'exports', {}, 'jsonl'))).text).toBe('');
  });
});

describe('csvRecord', () => {
  it('leaves plain fields bare', () => {
    expect(csvRecord(['plain', 'with space', 1.5, false])).toBe('plain,with space,1.5,false\r\n');
  });

  it('puts a single quote before text that a spreadsheet would run as a formula, but not before numbers', () => {
    expect(csvRecord(['=1+2', '+1', '-1', '@A1', '\tx', '\rx', 'a=b', -1, -2.5, -3n, { a: 1 }, null])).toBe(
      `'=1+2,'+1,'-1,'@A1,'\tx,"'\rx",a=b,-1,-2.5,-3,"{""a"":1}",\r\n`,
    );
    expect(csvRecord(['=HYPERLINK("http://x.test","go"),1'])).toBe(
      `"'=HYPERLINK(""http://x.test"",""go""),1"\r\n`,
    );
  });
});
