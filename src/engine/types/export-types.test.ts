import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { LetheError } from '../../errors/index.js';
import type { EraseMode, Item, SubjectStatus } from '../../items/index.js';
import { isoNow, type Store } from '../../store/index.js';
import { listAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import {
  createExportType,
  deleteExportType,
  duplicateExportType,
  exportTypeItems,
  getExportType,
  listExportTypes,
  typesWithNewItems,
  updateExportType,
} from './index.js';

function fakeItem(key: string, modes: Partial<Record<EraseMode, SubjectStatus[]>> = {}, sortOrder = 0): Item {
  const [component = '', name = ''] = key.split('/');
  const hasModes = Object.keys(modes).length > 0;
  return {
    component,
    name,
    group: `Group ${component}`,
    title: `Title ${key}`,
    help: '',
    sortOrder,
    modes: Object.fromEntries(Object.entries(modes).map(([mode, statuses]) => [mode, { statuses }])),
    ...(hasModes ? { erase: async () => new Map() } : {}),
  };
}

const items = [
  fakeItem('profile/names', { delete: ['deleted'], anonymise: ['suspended', 'deleted'] }, 1),
  fakeItem('profile/email', { delete: ['deleted'] }, 2),
  fakeItem('forum/posts', { anonymise: ['active', 'suspended', 'deleted'] }),
  fakeItem('files/private', { delete: ['suspended', 'deleted'] }),
  fakeItem('profile/preferences', {}, 3),
];
const allKeys = ['files/private', 'forum/posts', 'profile/names', 'profile/email', 'profile/preferences'];

async function refusal(promise: Promise<unknown>): Promise<LetheError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LetheError) return error;
    throw error;
  }
  throw new Error('expected a LetheError, but it succeeded');
}

async function counts(engine: Engine) {
  const n = async (table: 'export_types' | 'export_type_items' | 'audit_events') =>
    Number(
      (
        await engine.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  return {
    types: await n('export_types'),
    items: await n('export_type_items'),
    audit: await n('audit_events'),
  };
}

describeEachStore('export types', ({ store }) => {
  const engine = (extra: Item[] = [], s: Store = store()) => testEngine(s, [...items, ...extra]);

  it('lists the initial type with every registered item and no new items', async () => {
    const e = engine();
    const [initial, ...rest] = await listExportTypes(e);
    expect(rest).toEqual([]);
    expect(initial).toMatchObject({
      idnumber: 'all-data',
      name: 'All data',
      initial: true,
      includeFiles: true,
      items: allKeys,
      newItems: [],
    });
    expect(exportTypeItems(e, initial!)).toEqual(allKeys);
  });

  it('creates a type, in catalogue order, with an audit event holding its fields', async () => {
    const e = engine();
    const type = await createExportType(e, 'cli', {
      idnumber: 'self',
      name: '  Self service ',
      allowSelf: true,
      items: ['profile/email', 'forum/posts', 'profile/email'],
    });
    expect(type).toMatchObject({
      idnumber: 'self',
      name: 'Self service',
      description: '',
      allowSelf: true,
      includeFiles: false,
      initial: false,
      items: ['forum/posts', 'profile/email'],
      newItems: [],
    });
    expect(await getExportType(e, 'self')).toEqual(type);
    expect(await getExportType(e, type.id)).toEqual(type);
    expect(await getExportType(e, String(type.id))).toEqual(type);
    const { events } = await listAudit(e);
    expect(events[0]).toMatchObject({
      actor: 'cli',
      action: 'export-type.create',
      targetType: 'export-type',
      targetId: String(type.id),
      details: {
        idnumber: 'self',
        name: 'Self service',
        allowSelf: true,
        items: ['forum/posts', 'profile/email'],
      },
    });
    expect((await listExportTypes(e)).map((t) => t.idnumber)).toEqual(['all-data', 'self']);
  });

  it('refuses bad input, naming the field, and writes nothing', async () => {
    const e = engine();
    const before = await counts(e);
    const cases: [unknown, string][] = [
      [{ idnumber: '-bad', name: 'x' }, 'idnumber'],
      [{ idnumber: 'a'.repeat(101), name: 'x' }, 'idnumber'],
      [{ idnumber: 'ok', name: '   ' }, 'name'],
      [{ idnumber: 'ok', name: 'x'.repeat(256) }, 'name'],
      [{ idnumber: 'ok', name: 'x', description: 'd'.repeat(10_001) }, 'description'],
      [{ idnumber: 'ok', name: 'x', items: 'profile/names' }, 'items'],
      [{ idnumber: 'ok', name: 'x', allow_self: true }, 'allow_self'],
    ];
    for (const [input, field] of cases) {
      const error = await refusal(createExportType(e, 'cli', input as never));
      expect(error.code).toBe('LETHE_E_INVALID_INPUT');
      expect(error.message).toContain(field);
    }
    const unknown = await refusal(
      createExportType(e, 'cli', { idnumber: 'ok', name: 'x', items: ['profile/names', 'nope/missing'] }),
    );
    expect(unknown.code).toBe('LETHE_E_ITEM_UNKNOWN');
    expect(unknown.message).toContain('"nope/missing"');
    const duplicate = await refusal(createExportType(e, 'cli', { idnumber: 'all-data', name: 'x' }));
    expect(duplicate.code).toBe('LETHE_E_TYPE_DUPLICATE');
    expect(duplicate.message).toContain('"all-data"');
    expect(await counts(e)).toEqual(before);
  });

  it('lets one of two concurrent creates with the same idnumber win, and refuses the other', async () => {
    const e = engine();
    const results = await Promise.allSettled(
      [1, 2].map((n) => createExportType(e, 'cli', { idnumber: 'race', name: `Race ${n}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'LETHE_E_TYPE_DUPLICATE' });
    expect(await listAudit(e, { action: 'export-type.create' })).toMatchObject({ total: 1 });
  });

  it('names the ref of an unknown type in every use case', async () => {
    const e = engine();
    for (const call of [
      () => getExportType(e, 'ghost'),
      () => updateExportType(e, 'cli', 'ghost', { name: 'x' }),
      () => duplicateExportType(e, 'cli', 'ghost'),
      () => deleteExportType(e, 'cli', 'ghost'),
    ]) {
      const error = await refusal(call());
      expect(error.code).toBe('LETHE_E_TYPE_UNKNOWN');
      expect(error.message).toContain('"ghost"');
    }
    const byId = await refusal(getExportType(e, 999));
    expect(byId.code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect(byId.message).toContain('"999"');
  });

  it('updates fields and items, recording only what changed', async () => {
    const e = engine();
    const type = await createExportType(e, 'cli', { idnumber: 'a', name: 'A', items: ['profile/names'] });
    const updated = await updateExportType(e, 'account:1', 'a', {
      idnumber: 'b',
      name: 'A',
      includeFiles: true,
      items: ['files/private', 'profile/names'],
    });
    expect(updated).toMatchObject({ id: type.id, idnumber: 'b', includeFiles: true });
    expect(updated.items).toEqual(['files/private', 'profile/names']);
    const { events } = await listAudit(e, { action: 'export-type.update' });
    expect(events[0]?.details).toEqual({
      idnumber: 'b',
      changes: {
        idnumber: { from: 'a', to: 'b' },
        includeFiles: { from: false, to: true },
        items: { from: ['profile/names'], to: ['files/private', 'profile/names'] },
      },
    });
    await createExportType(e, 'cli', { idnumber: 'c', name: 'C' });
    const taken = await refusal(updateExportType(e, 'cli', 'b', { idnumber: 'c' }));
    expect(taken.code).toBe('LETHE_E_TYPE_DUPLICATE');
    const unknown = await refusal(updateExportType(e, 'cli', 'b', { items: ['x/y'] }));
    expect(unknown.code).toBe('LETHE_E_ITEM_UNKNOWN');
    expect(unknown.message).toContain('"x/y"');
    expect((await getExportType(e, 'b')).items).toEqual(['files/private', 'profile/names']);
  });

  it('edits the initial type but never deletes it or chooses its items', async () => {
    const e = engine();
    const edited = await updateExportType(e, 'cli', 'all-data', { name: 'Everything', allowSelf: true });
    expect(edited).toMatchObject({ name: 'Everything', allowSelf: true, initial: true, items: allKeys });
    const items = await refusal(updateExportType(e, 'cli', 'all-data', { items: ['forum/posts'] }));
    expect(items.code).toBe('LETHE_E_INVALID_INPUT');
    expect(items.message).toContain('"all-data"');
    const renamed = await refusal(updateExportType(e, 'cli', 'all-data', { idnumber: 'other' }));
    expect(renamed.code).toBe('LETHE_E_INVALID_INPUT');
    const deleted = await refusal(deleteExportType(e, 'cli', 'all-data'));
    expect(deleted.code).toBe('LETHE_E_TYPE_INITIAL');
    expect(deleted.message).toContain('"all-data"');
    expect(await listExportTypes(e)).toHaveLength(1);
  });

  it('duplicates with -copy, -copy-2 and "Copy of", or the names given', async () => {
    const e = engine();
    await createExportType(e, 'cli', {
      idnumber: 'self',
      name: 'Self',
      description: 'mine',
      allowSelf: true,
      items: ['forum/posts'],
    });
    const first = await duplicateExportType(e, 'cli', 'self');
    const second = await duplicateExportType(e, 'cli', 'self');
    expect(first).toMatchObject({
      idnumber: 'self-copy',
      name: 'Copy of Self',
      description: 'mine',
      allowSelf: true,
      items: ['forum/posts'],
      initial: false,
    });
    expect(second.idnumber).toBe('self-copy-2');
    const named = await duplicateExportType(e, 'cli', 'self', { idnumber: 'other', name: 'Other' });
    expect(named).toMatchObject({ idnumber: 'other', name: 'Other' });
    const taken = await refusal(duplicateExportType(e, 'cli', 'self', { idnumber: 'other' }));
    expect(taken.code).toBe('LETHE_E_TYPE_DUPLICATE');
    expect(taken.message).toContain('"other"');
    const long = await createExportType(e, 'cli', { idnumber: 'x'.repeat(100), name: 'Long' });
    expect((await duplicateExportType(e, 'cli', long.id)).idnumber).toBe(`${'x'.repeat(95)}-copy`);
    const initialCopy = await duplicateExportType(e, 'cli', 'all-data');
    expect(initialCopy).toMatchObject({
      idnumber: 'all-data-copy',
      initial: false,
      items: allKeys,
      newItems: [],
    });
    const { events } = await listAudit(e, { action: 'export-type.duplicate' });
    expect(events.at(-1)?.details).toMatchObject({ source: { idnumber: 'self' }, idnumber: 'self-copy' });
  });

  it('deletes a type with its items, unless an open export request uses it', async () => {
    const e = engine();
    const type = await createExportType(e, 'cli', { idnumber: 'gone', name: 'Gone', items: ['forum/posts'] });
    const now = isoNow();
    await e.db
      .insertInto('requests')
      .values({
        kind: 'export',
        subject_id: 's1',
        origin: 'admin',
        status: 'pending',
        export_type_id: type.id,
        purge_type_id: null,
        plan: null,
        dry_run: 0,
        requested_by: 'cli',
        created_at: now,
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
      })
      .execute();
    const inUse = await refusal(deleteExportType(e, 'cli', 'gone'));
    expect(inUse.code).toBe('LETHE_E_TYPE_IN_USE');
    expect(inUse.message).toContain('"gone"');
    expect(inUse.message).toContain('1 pending or running request');
    await e.db.updateTable('requests').set({ status: 'succeeded' }).execute();
    expect(await deleteExportType(e, 'cli', 'gone')).toMatchObject({ idnumber: 'gone' });
    expect((await counts(e)).items).toBe(0);
    expect((await refusal(getExportType(e, 'gone'))).code).toBe('LETHE_E_TYPE_UNKNOWN');
    const { events } = await listAudit(e, { action: 'export-type.delete' });
    expect(events[0]?.details).toMatchObject({ idnumber: 'gone', items: ['forum/posts'] });
  });

  it('leaves no type row and no audit event when its item rows fail to write', async () => {
    const e = engine();
    if (e.store.dialect === 'sqlite') {
      await sql`create trigger fail_items before insert on export_type_items begin select raise(abort, 'boom'); end`.execute(
        e.db,
      );
    } else {
      await sql`create function fail_items() returns trigger language plpgsql as $$ begin raise exception 'boom'; end $$`.execute(
        e.db,
      );
      await sql`create trigger fail_items before insert on export_type_items for each row execute function fail_items()`.execute(
        e.db,
      );
    }
    const before = await counts(e);
    await expect(
      createExportType(e, 'cli', { idnumber: 'half', name: 'Half', items: ['forum/posts'] }),
    ).rejects.toThrow('boom');
    await expect(duplicateExportType(e, 'cli', 'all-data')).rejects.toThrow('boom');
    expect(await counts(e)).toEqual(before);
  });

  it('flags items registered after a save as new, leaves them out, and clears them on saving', async () => {
    const s = store();
    const first = engine([], s);
    const type = await createExportType(first, 'cli', {
      idnumber: 'self',
      name: 'Self',
      items: ['forum/posts'],
    });
    expect(type.newItems).toEqual([]);

    const second = engine([fakeItem('blog/entries', {}, 0)], s);
    const seen = await getExportType(second, 'self');
    expect(seen.newItems).toEqual(['blog/entries']);
    expect(seen.items).toEqual(['forum/posts']);
    expect(exportTypeItems(second, seen)).toEqual(['forum/posts']);
    const initial = await getExportType(second, 'all-data');
    expect(initial.newItems).toEqual([]);
    expect(exportTypeItems(second, initial)).toContain('blog/entries');
    expect((await typesWithNewItems(second)).exportTypes).toEqual([
      { id: type.id, idnumber: 'self', name: 'Self', newItems: ['blog/entries'] },
    ]);

    const saved = await updateExportType(second, 'cli', 'self', {});
    expect(saved.newItems).toEqual([]);
    expect(saved.items).toEqual(['forum/posts']);
    const { events } = await listAudit(second, { action: 'export-type.update' });
    expect(events[0]?.details).toEqual({
      idnumber: 'self',
      changes: {},
      newItemsAcknowledged: ['blog/entries'],
    });
    expect((await typesWithNewItems(second)).exportTypes).toEqual([]);
  });

  it('keeps a key whose item is gone, but runs only registered items', async () => {
    const s = store();
    await createExportType(engine([], s), 'cli', {
      idnumber: 'self',
      name: 'Self',
      items: ['forum/posts', 'profile/email'],
    });
    const fewer = testEngine(s, items.slice(0, 2));
    const type = await getExportType(fewer, 'self');
    expect(type.items).toEqual(['profile/email', 'forum/posts']);
    expect(exportTypeItems(fewer, type)).toEqual(['profile/email']);
  });
});
