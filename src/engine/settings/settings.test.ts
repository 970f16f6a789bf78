import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { getSubject, registerSubject } from '../subjects/index.js';
import { getSettings } from './read-settings.js';
import { setSetting } from './set-setting.js';
import { updateSettings } from './update-settings.js';

async function purgeType(engine: Engine, idnumber: string, status: string): Promise<number> {
  const now = new Date().toISOString();
  const row = await engine.db
    .insertInto('purge_types')
    .values({
      idnumber,
      name: idnumber,
      description: '',
      status,
      allow_manual: 1,
      allow_automatic: 0,
      known_items: '[]',
      reapplied_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

const defaults = {
  defaultSuspendedPurgeTypeId: null,
  defaultDeletedPurgeTypeId: null,
  defaultSuspendedPurgeType: null,
  defaultDeletedPurgeType: null,
  allowSelfExport: true,
  exportRetentionDays: 5,
  anonymousUserId: null,
};

describeEachStore('settings', ({ store }) => {
  it('has defaults for settings never set', async () => {
    const engine = testEngine(store());
    expect(await getSettings(engine)).toEqual(defaults);
  });

  it('updates settings, resolving default purge types by idnumber or id, with one audit event', async () => {
    const engine = testEngine(store());
    const keep = await purgeType(engine, 'keep-training', 'suspended');
    const all = await purgeType(engine, 'purge-all', 'deleted');
    const view = await updateSettings(engine, 'account:1', {
      defaultSuspendedPurgeType: 'keep-training',
      defaultDeletedPurgeTypeId: all,
      allowSelfExport: false,
      exportRetentionDays: 30,
    });
    const expected = {
      ...defaults,
      defaultSuspendedPurgeTypeId: keep,
      defaultSuspendedPurgeType: 'keep-training',
      defaultDeletedPurgeTypeId: all,
      defaultDeletedPurgeType: 'purge-all',
      allowSelfExport: false,
      exportRetentionDays: 30,
    };
    expect(view).toEqual(expected);
    expect(await getSettings(engine)).toEqual(expected);
    const audit = await listAudit(engine, { action: 'settings.update' });
    expect(audit.total).toBe(1);
    expect(audit.events[0]?.details['changes']).toMatchObject({
      exportRetentionDays: { from: 5, to: 30 },
      defaultSuspendedPurgeTypeId: { from: null, to: keep },
    });
    await updateSettings(engine, 'cli', { exportRetentionDays: 30, defaultDeletedPurgeType: null });
    expect((await getSettings(engine)).defaultDeletedPurgeType).toBeNull();
    expect((await listAudit(engine, { action: 'settings.update' })).total).toBe(2);
  });

  it('refuses an unknown setting, listing the known ones', async () => {
    const engine = testEngine(store());
    await expect(
      updateSettings(engine, 'cli', { retention: 3 } as unknown as { exportRetentionDays: number }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_SETTING_UNKNOWN',
      message: expect.stringMatching(/'retention'.*exportRetentionDays/),
    });
  });

  it.each([
    [{ exportRetentionDays: 0 }, 'exportRetentionDays'],
    [{ exportRetentionDays: 3651 }, 'exportRetentionDays'],
    [{ exportRetentionDays: 2.5 }, 'exportRetentionDays'],
    [{ allowSelfExport: 'yes' }, 'allowSelfExport'],
    [{ anonymousUserId: '' }, 'anonymousUserId'],
    [{ defaultDeletedPurgeType: -1 }, 'defaultDeletedPurgeType'],
    [{ defaultDeletedPurgeType: 'a', defaultDeletedPurgeTypeId: 'b' }, 'defaultDeletedPurgeTypeId'],
  ])('refuses a bad value (%#)', async (patch, name) => {
    const engine = testEngine(store());
    await expect(
      updateSettings(engine, 'cli', patch as { exportRetentionDays: number }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_SETTING_INVALID',
      message: expect.stringContaining(`'${name}'`),
    });
  });

  it('refuses a default purge type of the wrong status, naming the type and its status', async () => {
    const engine = testEngine(store());
    await purgeType(engine, 'keep-training', 'suspended');
    await expect(
      updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'keep-training' }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_SETTING_INVALID',
      message: expect.stringMatching(/'keep-training'.*suspended.*deleted/),
    });
  });

  it('refuses an unknown purge type and an unknown anonymous user', async () => {
    const engine = testEngine(store());
    await expect(updateSettings(engine, 'cli', { defaultSuspendedPurgeType: 'nope' })).rejects.toMatchObject({
      code: 'LETHE_E_TYPE_UNKNOWN',
      message: expect.stringContaining("'nope'"),
    });
    await expect(updateSettings(engine, 'cli', { anonymousUserId: 'ghost' })).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: expect.stringContaining("'ghost'"),
    });
  });

  it('writes nothing when one value of a patch is refused', async () => {
    const engine = testEngine(store());
    await purgeType(engine, 'forum', 'active');
    await expect(
      updateSettings(engine, 'cli', {
        exportRetentionDays: 9,
        allowSelfExport: false,
        defaultSuspendedPurgeType: 'forum',
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_SETTING_INVALID' });
    expect(await getSettings(engine)).toEqual(defaults);
    expect((await listAudit(engine)).total).toBe(0);
  });

  it('configures an existing subject as the anonymous user and marks it', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', { id: 'anon', username: 'anon', email: '', fullName: 'Nobody' });
    expect((await updateSettings(engine, 'cli', { anonymousUserId: 'anon' })).anonymousUserId).toBe('anon');
    expect((await getSubject(engine, 'anon')).anonymous).toBe(true);
    expect((await listAudit(engine, { action: 'subject.mark-anonymous' })).total).toBe(1);
  });

  it('sets one setting from a string, as the CLI gives it', async () => {
    const engine = testEngine(store());
    const all = await purgeType(engine, 'purge-all', 'deleted');
    expect((await setSetting(engine, 'cli', 'export-retention-days', ' 7 ')).exportRetentionDays).toBe(7);
    expect((await setSetting(engine, 'cli', 'allowSelfExport', 'no')).allowSelfExport).toBe(false);
    expect((await setSetting(engine, 'cli', 'ALLOW_SELF_EXPORT', 'on')).allowSelfExport).toBe(true);
    expect(
      (await setSetting(engine, 'cli', 'defaultDeletedPurgeType', String(all))).defaultDeletedPurgeType,
    ).toBe('purge-all');
    expect(
      (await setSetting(engine, 'cli', 'defaultDeletedPurgeType', 'none')).defaultDeletedPurgeTypeId,
    ).toBe(null);
  });

  it.each([
    ['exportRetentionDays', 'ten', 'LETHE_E_SETTING_INVALID', "'ten'"],
    ['exportRetentionDays', '0', 'LETHE_E_SETTING_INVALID', 'exportRetentionDays'],
    ['allowSelfExport', 'maybe', 'LETHE_E_SETTING_INVALID', "'maybe'"],
    ['colour', 'blue', 'LETHE_E_SETTING_UNKNOWN', "'colour'"],
    ['defaultSuspendedPurgeType', 'ghost', 'LETHE_E_TYPE_UNKNOWN', "'ghost'"],
  ])('setSetting refuses %s=%s', async (key, value, code, named) => {
    const engine = testEngine(store());
    await expect(setSetting(engine, 'cli', key, value)).rejects.toMatchObject({
      code,
      message: expect.stringContaining(named),
    });
  });
});
