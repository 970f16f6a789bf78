import type { Command } from 'commander';
import { getSettings, resolveSettingName, setSetting } from '../../engine/settings/index.js';
import { action } from '../run-action.js';

function human(settings: object): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k.padEnd(30)} ${v === null ? '(none)' : String(v)}`)
    .join('\n');
}

export function registerSettingsCommand(program: Command): void {
  const settings = program
    .command('settings')
    .description('defaults for purges, self-service exports and retention');
  settings
    .command('get [key]')
    .description('show every setting, or one')
    .action(
      action(async (ctx, key: string | undefined) => {
        const all = await getSettings(await ctx.engine());
        if (key === undefined) {
          ctx.out.result(all, () => human(all));
          return 0;
        }
        const name = resolveSettingName(key);
        const value = (all as unknown as Record<string, unknown>)[name];
        ctx.out.result({ [name]: value }, () => human({ [name]: value }));
        return 0;
      }),
    );
  settings
    .command('set <key> <value>')
    .description(
      'change a setting: defaultSuspendedPurgeType, defaultDeletedPurgeType (an idnumber, or none), allowSelfExport (yes|no), exportRetentionDays, anonymousUser (a subject id, or none)',
    )
    .action(
      action(async (ctx, key: string, value: string) => {
        const updated = await setSetting(await ctx.engine(), ctx.actor, key, value);
        ctx.out.result(updated, () => human(updated));
        return 0;
      }),
    );
}
