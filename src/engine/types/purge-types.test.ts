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
  createPurgeType,
  deletePurgeType,
  duplicatePurgeType,
  getPurgeType,
  itemsForStatus,
  listPurgeTypes,
  purgeTypePlan,
  reapplyPurgeType,
  typesWithNewItems,
  updatePurgeType,
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
  const n = async (table: 'purge_types' | 'purge_type_items' | 'audit_events') =>
    Number(
      (
        await engine.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  return {
    types: await n('purge_types'),
    items: await n('purge_type_items'),
    audit: await n('audit_events'),
  };
}

const deletedInput = {
  idnumber: 'purge-deleted',
  name: 'Purge deleted users',
  status: 'deleted',
  allowAutomatic: true,
  items: [
    { key: 'profile/email', mode: 'delete' },
    { key: 'forum/posts', mode: 'anonymise' },
    { key: 'profile/names', mode: 'delete' },
  ],
} as const;

async function addSubject(engine: Engine, id: string, columns: { suspended?: number; deleted?: number }) {
  const now = isoNow();
  await engine.db
    .insertInto('subjects')
    .values({
      id,
      username: id,
      email: `${id}@example.org`,
      full_name: id,
      kind: 'learner',
      status: 'deleted',
      status_changed_at: now,
      suspended_purge_type_id: columns.suspended ?? null,
      deleted_purge_type_id: columns.deleted ?? null,
      legacy: 0,
      anonymous: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

async function addRequest(engine: Engine, purgeTypeId: number, status: string) {
  await engine.db
    .insertInto('requests')
    .values({
      kind: 'purge',
      subject_id: 's1',
      origin: 'admin',
      status,
      export_type_id: null,
      purge_type_id: purgeTypeId,
      plan: null,
      dry_run: 0,
      requested_by: 'cli',
      created_at: isoNow(),
      started_at: null,
      finished_at: null,
      attempts: 0,
      max_attempts: 3,
      lease_owner: null,
      lease_expires_at: null,
      subject_status: 'deleted',
      error: null,
      file_path: null,
      file_size: null,
      file_sha256: null,
      expires_at: null,
      download_token: null,
    })
    .execute();
}

describeEachStore('purge types', ({ store }) => {
  const engine = (extra: Item[] = [], s: Store = store()) => testEngine(s, [...items, ...extra]);

  it('creates a type with its items in catalogue order, unused, with an audit event', async () => {
    const e = engine();
    const type = await createPurgeType(e, 'cli', deletedInput);
    expect(type).toMatchObject({
      idnumber: 'purge-deleted',
      name: 'Purge deleted users',
      description: '',
      status: 'deleted',
      allowManual: true,
      allowAutomatic: true,
      items: [
        { key: 'forum/posts', mode: 'anonymise' },
        { key: 'profile/names', mode: 'delete' },
        { key: 'profile/email', mode: 'delete' },
      ],
      newItems: [],
      reappliedAt: null,
      inUse: { subjects: 0, default: null, openRequests: 0 },
    });
    expect(await getPurgeType(e, type.id)).toEqual(type);
    expect(purgeTypePlan(e, type)).toEqual(type.items);
    const { events } = await listAudit(e);
    expect(events[0]).toMatchObject({
      action: 'purge-type.create',
      targetType: 'purge-type',
      targetId: String(type.id),
      details: { idnumber: 'purge-deleted', status: 'deleted', allowAutomatic: true, items: type.items },
    });
  });

  it('refuses what the status or the items do not allow, naming them, and writes nothing', async () => {
    const e = engine();
    const before = await counts(e);
    const base = { idnumber: 't', name: 'T' };

    const automatic = await refusal(
      createPurgeType(e, 'cli', { ...base, status: 'active', allowAutomatic: true }),
    );
    expect(automatic.code).toBe('LETHE_E_TYPE_AUTOMATIC_ACTIVE');
    expect(automatic.message).toContain('"t"');

    const mode = await refusal(
      createPurgeType(e, 'cli', {
        ...base,
        status: 'deleted',
        items: [{ key: 'forum/posts', mode: 'delete' }],
      }),
    );
    expect(mode.code).toBe('LETHE_E_MODE_UNSUPPORTED');
    expect(mode.message).toContain('"forum/posts"');
    expect(mode.message).toContain('"delete"');
    const noModes = await refusal(
      createPurgeType(e, 'cli', {
        ...base,
        status: 'deleted',
        items: [{ key: 'profile/preferences', mode: 'shred' }],
      }),
    );
    expect(noModes.code).toBe('LETHE_E_MODE_UNSUPPORTED');
    expect(noModes.message).toContain('"profile/preferences"');
    expect(noModes.message).toContain('"shred"');

    const status = await refusal(
      createPurgeType(e, 'cli', {
        ...base,
        status: 'suspended',
        items: [
          { key: 'files/private', mode: 'delete' },
          { key: 'profile/email', mode: 'delete' },
        ],
      }),
    );
    expect(status.code).toBe('LETHE_E_STATUS_NOT_ALLOWED');
    expect(status.message).toContain('"profile/email"');
    expect(status.message).toContain('"delete"');
    expect(status.message).toContain('suspended');
    expect(status.details).toMatchObject({ item: 'profile/email', mode: 'delete', status: 'suspended' });

    const unknown = await refusal(
      createPurgeType(e, 'cli', { ...base, status: 'deleted', items: [{ key: 'no/such', mode: 'delete' }] }),
    );
    expect(unknown.code).toBe('LETHE_E_ITEM_UNKNOWN');
    expect(unknown.message).toContain('"no/such"');

    const twice = await refusal(
      createPurgeType(e, 'cli', {
        ...base,
        status: 'deleted',
        items: [
          { key: 'profile/names', mode: 'delete' },
          { key: 'profile/names', mode: 'anonymise' },
        ],
      }),
    );
    expect(twice.code).toBe('LETHE_E_INVALID_INPUT');
    expect(twice.message).toContain('"profile/names"');

    const badStatus = await refusal(createPurgeType(e, 'cli', { ...base, status: 'gone' }));
    expect(badStatus.code).toBe('LETHE_E_STATUS_INVALID');
    expect(badStatus.message).toContain('"gone"');
    const noStatus = await refusal(createPurgeType(e, 'cli', base as never));
    expect(noStatus.code).toBe('LETHE_E_INVALID_INPUT');
    expect(noStatus.message).toContain('status');
    const badIdnumber = await refusal(
      createPurgeType(e, 'cli', { ...base, idnumber: 'a b', status: 'deleted' }),
    );
    expect(badIdnumber.code).toBe('LETHE_E_INVALID_INPUT');
    expect(badIdnumber.message).toContain('idnumber');

    expect(await counts(e)).toEqual(before);
    await createPurgeType(e, 'cli', deletedInput);
    const duplicate = await refusal(createPurgeType(e, 'cli', deletedInput));
    expect(duplicate.code).toBe('LETHE_E_TYPE_DUPLICATE');
    expect(duplicate.message).toContain('"purge-deleted"');
  });

  it('keeps the status fixed and refuses automatic use for active on update', async () => {
    const e = engine();
    await createPurgeType(e, 'cli', deletedInput);
    const fixed = await refusal(updatePurgeType(e, 'cli', 'purge-deleted', { status: 'suspended' }));
    expect(fixed.code).toBe('LETHE_E_TYPE_STATUS_FIXED');
    expect(fixed.message).toContain('"purge-deleted"');
    const bad = await refusal(updatePurgeType(e, 'cli', 'purge-deleted', { status: 'x' }));
    expect(bad.code).toBe('LETHE_E_STATUS_INVALID');
    const same = await updatePurgeType(e, 'cli', 'purge-deleted', { status: 'deleted', name: 'Renamed' });
    expect(same).toMatchObject({ status: 'deleted', name: 'Renamed' });

    await createPurgeType(e, 'cli', { idnumber: 'forum', name: 'Forum', status: 'active' });
    const automatic = await refusal(updatePurgeType(e, 'cli', 'forum', { allowAutomatic: true }));
    expect(automatic.code).toBe('LETHE_E_TYPE_AUTOMATIC_ACTIVE');
    const notAllowed = await refusal(
      updatePurgeType(e, 'cli', 'forum', { items: [{ key: 'profile/names', mode: 'anonymise' }] }),
    );
    expect(notAllowed.code).toBe('LETHE_E_STATUS_NOT_ALLOWED');
    expect(notAllowed.message).toContain('"profile/names"');
    const taken = await refusal(updatePurgeType(e, 'cli', 'forum', { idnumber: 'purge-deleted' }));
    expect(taken.code).toBe('LETHE_E_TYPE_DUPLICATE');
    const unknownType = await refusal(updatePurgeType(e, 'cli', 'nothing', { name: 'x' }));
    expect(unknownType.code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect(unknownType.message).toContain('"nothing"');
    expect(await getPurgeType(e, 'forum')).toMatchObject({ allowAutomatic: false, items: [] });
  });

  it('updates fields and items, recording the changes', async () => {
    const e = engine();
    const type = await createPurgeType(e, 'cli', deletedInput);
    const updated = await updatePurgeType(e, 'account:7', type.id, {
      allowManual: false,
      description: 'All of it',
      items: [
        { key: 'profile/names', mode: 'anonymise' },
        { key: 'files/private', mode: 'delete' },
      ],
    });
    expect(updated).toMatchObject({
      allowManual: false,
      description: 'All of it',
      items: [
        { key: 'files/private', mode: 'delete' },
        { key: 'profile/names', mode: 'anonymise' },
      ],
    });
    const { events } = await listAudit(e, { action: 'purge-type.update' });
    expect(events[0]).toMatchObject({ actor: 'account:7', targetId: String(type.id) });
    expect(events[0]?.details).toEqual({
      idnumber: 'purge-deleted',
      changes: {
        description: { from: '', to: 'All of it' },
        allowManual: { from: true, to: false },
        items: { from: type.items, to: updated.items },
      },
    });
  });

  it('duplicates the status, flags and items, never the reapply time', async () => {
    const e = engine();
    await createPurgeType(e, 'cli', deletedInput);
    await reapplyPurgeType(e, 'cli', 'purge-deleted');
    const copy = await duplicatePurgeType(e, 'cli', 'purge-deleted');
    const original = await getPurgeType(e, 'purge-deleted');
    expect(copy).toMatchObject({
      idnumber: 'purge-deleted-copy',
      name: 'Copy of Purge deleted users',
      status: 'deleted',
      allowManual: true,
      allowAutomatic: true,
      items: original.items,
      reappliedAt: null,
      newItems: [],
    });
    expect((await duplicatePurgeType(e, 'cli', 'purge-deleted')).idnumber).toBe('purge-deleted-copy-2');
    const named = await duplicatePurgeType(e, 'cli', 'purge-deleted', { idnumber: 'mine', name: 'Mine' });
    expect(named).toMatchObject({ idnumber: 'mine', name: 'Mine' });
    const taken = await refusal(duplicatePurgeType(e, 'cli', 'purge-deleted', { idnumber: 'mine' }));
    expect(taken.code).toBe('LETHE_E_TYPE_DUPLICATE');
    const unknown = await refusal(duplicatePurgeType(e, 'cli', 'nope'));
    expect(unknown.code).toBe('LETHE_E_TYPE_UNKNOWN');
    const { events } = await listAudit(e, { action: 'purge-type.duplicate' });
    expect(events.at(-1)?.details).toMatchObject({
      source: { idnumber: 'purge-deleted' },
      idnumber: 'purge-deleted-copy',
      status: 'deleted',
    });
  });

  it('reapplies, recording when', async () => {
    const e = engine();
    const type = await createPurgeType(e, 'cli', deletedInput);
    const before = isoNow();
    const reapplied = await reapplyPurgeType(e, 'cli', 'purge-deleted');
    expect(reapplied.reappliedAt).not.toBeNull();
    expect(reapplied.reappliedAt! >= before).toBe(true);
    expect(reapplied.updatedAt).toBe(type.updatedAt);
    const { events } = await listAudit(e, { action: 'purge-type.reapply' });
    expect(events[0]?.details).toEqual({
      idnumber: 'purge-deleted',
      reappliedAt: { from: null, to: reapplied.reappliedAt },
    });
    expect((await refusal(reapplyPurgeType(e, 'cli', 'nope'))).code).toBe('LETHE_E_TYPE_UNKNOWN');
  });

  it('refuses to delete a type in use, saying why, and deletes it once unused', async () => {
    const e = engine();
    const type = await createPurgeType(e, 'cli', deletedInput);
    const other = await createPurgeType(e, 'cli', { idnumber: 'other', name: 'Other', status: 'suspended' });
    await addSubject(e, 's1', { deleted: type.id });
    await addSubject(e, 's2', { deleted: type.id, suspended: other.id });
    await addSubject(e, 's3', { suspended: other.id });
    await e.db
      .insertInto('settings')
      .values({ key: 'defaultDeletedPurgeTypeId', value: JSON.stringify(type.id), updated_at: isoNow() })
      .execute();
    await addRequest(e, type.id, 'running');
    await addRequest(e, type.id, 'succeeded');

    expect((await getPurgeType(e, type.id)).inUse).toEqual({
      subjects: 2,
      default: 'deleted',
      openRequests: 1,
    });
    expect((await getPurgeType(e, other.id)).inUse).toEqual({ subjects: 2, default: null, openRequests: 0 });

    const inUse = await refusal(deletePurgeType(e, 'cli', 'purge-deleted'));
    expect(inUse.code).toBe('LETHE_E_TYPE_IN_USE');
    expect(inUse.message).toContain('"purge-deleted"');
    expect(inUse.message).toContain('assigned to 2 subjects');
    expect(inUse.message).toContain('default for deleted subjects');
    expect(inUse.message).toContain('1 pending or running request');

    await e.db.updateTable('subjects').set({ deleted_purge_type_id: null }).execute();
    const asDefault = await refusal(deletePurgeType(e, 'cli', type.id));
    expect(asDefault.code).toBe('LETHE_E_TYPE_IN_USE');
    expect(asDefault.message).not.toContain('subjects,');
    expect(asDefault.details).toMatchObject({ subjects: 0, default: 'deleted', openRequests: 1 });

    await e.db.updateTable('settings').set({ value: 'null' }).execute();
    const asRequest = await refusal(deletePurgeType(e, 'cli', type.id));
    expect(asRequest.message).toContain('1 pending or running request uses it');

    await e.db.updateTable('requests').set({ status: 'failed' }).execute();
    const deleted = await deletePurgeType(e, 'cli', type.id);
    expect(deleted.idnumber).toBe('purge-deleted');
    expect((await refusal(getPurgeType(e, type.id))).code).toBe('LETHE_E_TYPE_UNKNOWN');
    expect((await counts(e)).items).toBe(0);
    const { events } = await listAudit(e, { action: 'purge-type.delete' });
    expect(events[0]?.details).toMatchObject({
      idnumber: 'purge-deleted',
      status: 'deleted',
      items: type.items,
    });

    const assigned = await refusal(deletePurgeType(e, 'cli', 'other'));
    expect(assigned.message).toContain('assigned to 2 subjects');
  });

  it('lists by name, filtered by status', async () => {
    const e = engine();
    await createPurgeType(e, 'cli', deletedInput);
    await createPurgeType(e, 'cli', { idnumber: 'b', name: 'B suspended', status: 'suspended' });
    await createPurgeType(e, 'cli', { idnumber: 'a', name: 'A deleted', status: 'deleted' });
    expect((await listPurgeTypes(e)).map((t) => t.idnumber)).toEqual(['a', 'b', 'purge-deleted']);
    expect((await listPurgeTypes(e, { status: 'deleted' })).map((t) => t.idnumber)).toEqual([
      'a',
      'purge-deleted',
    ]);
    const bad = await refusal(listPurgeTypes(e, { status: 'asleep' }));
    expect(bad.code).toBe('LETHE_E_STATUS_INVALID');
    expect(bad.message).toContain('"asleep"');
  });

  it('leaves no type row and no audit event when its item rows fail to write', async () => {
    const e = engine();
    if (e.store.dialect === 'sqlite') {
      await sql`create trigger fail_items before insert on purge_type_items begin select raise(abort, 'boom'); end`.execute(
        e.db,
      );
    } else {
      await sql`create function fail_items() returns trigger language plpgsql as $$ begin raise exception 'boom'; end $$`.execute(
        e.db,
      );
      await sql`create trigger fail_items before insert on purge_type_items for each row execute function fail_items()`.execute(
        e.db,
      );
    }
    const before = await counts(e);
    await expect(createPurgeType(e, 'cli', deletedInput)).rejects.toThrow('boom');
    expect(await counts(e)).toEqual(before);
  });

  it('flags new items, leaves them out of the plan, and clears them on saving', async () => {
    const s = store();
    const type = await createPurgeType(engine([], s), 'cli', deletedInput);
    const second = engine([fakeItem('blog/entries', { delete: ['deleted'] })], s);
    const seen = await getPurgeType(second, type.id);
    expect(seen.newItems).toEqual(['blog/entries']);
    expect(purgeTypePlan(second, seen).map((i) => i.key)).not.toContain('blog/entries');
    expect((await typesWithNewItems(second)).purgeTypes).toEqual([
      { id: type.id, idnumber: 'purge-deleted', name: 'Purge deleted users', newItems: ['blog/entries'] },
    ]);
    const reapplied = await reapplyPurgeType(second, 'cli', type.id);
    expect(reapplied.newItems).toEqual(['blog/entries']);

    const saved = await updatePurgeType(second, 'cli', type.id, {});
    expect(saved.newItems).toEqual([]);
    const { events } = await listAudit(second, { action: 'purge-type.update' });
    expect(events[0]?.details).toMatchObject({ newItemsAcknowledged: ['blog/entries'] });
    expect(await typesWithNewItems(second)).toEqual({ exportTypes: [], purgeTypes: [] });
  });

  it('plans only items still registered that still allow the status', async () => {
    const s = store();
    await createPurgeType(engine([], s), 'cli', deletedInput);
    const changed = testEngine(s, [
      fakeItem('profile/names', { delete: ['deleted'] }, 1),
      fakeItem('profile/email', { anonymise: ['deleted'] }, 2),
    ]);
    const type = await getPurgeType(changed, 'purge-deleted');
    expect(type.items.map((i) => i.key)).toEqual(['profile/names', 'profile/email', 'forum/posts']);
    expect(purgeTypePlan(changed, type)).toEqual([{ key: 'profile/names', mode: 'delete' }]);
  });

  it('says which items each mode allows for a status, and why not', async () => {
    const e = engine();
    const suspended = itemsForStatus(e, 'suspended');
    expect(suspended.map((i) => i.key)).toEqual([
      'files/private',
      'forum/posts',
      'profile/names',
      'profile/email',
      'profile/preferences',
    ]);
    const names = suspended.find((i) => i.key === 'profile/names');
    expect(names).toMatchObject({ group: 'Group profile', title: 'Title profile/names' });
    expect(names?.modes.anonymise).toEqual({ allowed: true });
    expect(names?.modes.delete).toMatchObject({ allowed: false, reason: expect.stringContaining('deleted') });
    expect(suspended.find((i) => i.key === 'forum/posts')?.modes.delete).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("can't be erased"),
    });
    const onlyDelete = itemsForStatus(e, 'deleted', 'delete');
    expect(onlyDelete.find((i) => i.key === 'profile/email')?.modes).toEqual({ delete: { allowed: true } });
    expect(() => itemsForStatus(e, 'nope')).toThrow(
      expect.objectContaining({ code: 'LETHE_E_STATUS_INVALID' }),
    );
    expect(() => itemsForStatus(e, 'deleted', 'burn')).toThrow(
      expect.objectContaining({ code: 'LETHE_E_INVALID_INPUT' }),
    );
  });
});
