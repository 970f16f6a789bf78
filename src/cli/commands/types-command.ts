import type { Command } from 'commander';
import {
  createExportType,
  createPurgeType,
  deleteExportType,
  deletePurgeType,
  duplicateExportType,
  duplicatePurgeType,
  type ExportType,
  getExportType,
  getPurgeType,
  itemsForStatus,
  listExportTypes,
  listPurgeTypes,
  type PurgeType,
  reapplyPurgeType,
  updateExportType,
  updatePurgeType,
} from '../../engine/types/index.js';
import { LetheError } from '../../errors/index.js';
import { table } from '../output.js';
import { listOption, statusOption } from '../parse-options.js';
import { action } from '../run-action.js';

function yesNo(option: string) {
  return (raw: string): boolean => {
    const word = raw.toLowerCase();
    if (['yes', 'true', 'on', '1'].includes(word)) return true;
    if (['no', 'false', 'off', '0'].includes(word)) return false;
    throw new LetheError('LETHE_E_INVALID_INPUT', `${option} must be yes or no, not "${raw}".`, { option });
  };
}

/** `forum/posts:anonymise,user/email:delete` */
function purgeItemsOption(raw: string): Array<{ key: string; mode: string }> {
  return listOption(raw).map((entry) => {
    const at = entry.lastIndexOf(':');
    if (at <= 0) {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        `--items takes component/name:mode pairs, such as forum/posts:anonymise; "${entry}" has no mode.`,
        { option: '--items', value: entry },
      );
    }
    return { key: entry.slice(0, at), mode: entry.slice(at + 1) };
  });
}

function describeExport(t: ExportType): string {
  return [
    `${t.idnumber}: ${t.name}${t.initial ? ' (initial)' : ''}`,
    t.description ? `  ${t.description}` : '',
    `  self-service: ${t.allowSelf ? 'yes' : 'no'}, files: ${t.includeFiles ? 'yes' : 'no'}`,
    `  items: ${t.items.join(', ') || '(none)'}`,
    t.newItems.length > 0
      ? `  NEW items (not included until the type is saved again): ${t.newItems.join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function describePurge(t: PurgeType): string {
  return [
    `${t.idnumber}: ${t.name} [${t.status}]`,
    t.description ? `  ${t.description}` : '',
    `  manual: ${t.allowManual ? 'yes' : 'no'}, automatic: ${t.allowAutomatic ? 'yes' : 'no'}${t.reappliedAt ? `, reapplied ${t.reappliedAt}` : ''}`,
    `  items: ${t.items.map((i) => `${i.key}:${i.mode}`).join(', ') || '(none)'}`,
    t.newItems.length > 0
      ? `  NEW items (ignored until the type is saved again): ${t.newItems.join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

interface ExportOptions {
  idnumber?: string;
  name?: string;
  description?: string;
  allowSelf?: boolean;
  includeFiles?: boolean;
  items?: string[];
}

function exportPatch(o: ExportOptions) {
  return {
    ...(o.idnumber !== undefined ? { idnumber: o.idnumber } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.allowSelf !== undefined ? { allowSelf: o.allowSelf } : {}),
    ...(o.includeFiles !== undefined ? { includeFiles: o.includeFiles } : {}),
    ...(o.items !== undefined ? { items: o.items } : {}),
  };
}

interface PurgeOptions {
  idnumber?: string;
  name?: string;
  description?: string;
  status?: string;
  manual?: boolean;
  automatic?: boolean;
  items?: Array<{ key: string; mode: string }>;
}

function purgePatch(o: PurgeOptions) {
  return {
    ...(o.idnumber !== undefined ? { idnumber: o.idnumber } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.manual !== undefined ? { allowManual: o.manual } : {}),
    ...(o.automatic !== undefined ? { allowAutomatic: o.automatic } : {}),
    ...(o.items !== undefined ? { items: o.items } : {}),
  };
}

function registerExportTypes(program: Command): void {
  const types = program.command('export-types').description('named selections of items to export');
  types.command('list').action(
    action(async (ctx) => {
      const list = await listExportTypes(await ctx.engine());
      ctx.out.result(list, () =>
        table(
          ['IDNUMBER', 'NAME', 'SELF', 'FILES', 'ITEMS', 'NEW'],
          list.map((t) => [
            t.idnumber,
            t.name,
            t.allowSelf ? 'yes' : '',
            t.includeFiles ? 'yes' : '',
            t.items.length,
            t.newItems.length || '',
          ]),
        ),
      );
      return 0;
    }),
  );
  types.command('show <type>').action(
    action(async (ctx, ref: string) => {
      const t = await getExportType(await ctx.engine(), ref);
      ctx.out.result(t, () => describeExport(t));
      return 0;
    }),
  );
  const withFields = (c: Command) =>
    c
      .option('--name <name>')
      .option('--description <text>')
      .option('--allow-self <yes|no>', 'subjects may use it on their own data', yesNo('--allow-self'))
      .option('--include-files <yes|no>', 'include the subject’s files', yesNo('--include-files'))
      .option('--items <keys>', 'comma-separated item keys', listOption);
  withFields(types.command('create <idnumber>').description('create an export type')).action(
    action(async (ctx, idnumber: string, o: ExportOptions) => {
      const t = await createExportType(await ctx.engine(), ctx.actor, {
        ...exportPatch(o),
        idnumber,
        name: o.name ?? idnumber,
      });
      ctx.out.result(t, () => `Created export type ${t.idnumber}.\n${describeExport(t)}`);
      return 0;
    }),
  );
  withFields(
    types.command('update <type>').description('edit an export type (saving it clears its New items)'),
  )
    .option('--idnumber <idnumber>', 'a new idnumber')
    .action(
      action(async (ctx, ref: string, o: ExportOptions) => {
        const t = await updateExportType(await ctx.engine(), ctx.actor, ref, exportPatch(o));
        ctx.out.result(t, () => `Updated export type ${t.idnumber}.\n${describeExport(t)}`);
        return 0;
      }),
    );
  types
    .command('duplicate <type>')
    .option('--idnumber <idnumber>')
    .option('--name <name>')
    .action(
      action(async (ctx, ref: string, o: { idnumber?: string; name?: string }) => {
        const t = await duplicateExportType(await ctx.engine(), ctx.actor, ref, o);
        ctx.out.result(t, () => `Created export type ${t.idnumber} as a copy.`);
        return 0;
      }),
    );
  types.command('delete <type>').action(
    action(async (ctx, ref: string) => {
      const t = await deleteExportType(await ctx.engine(), ctx.actor, ref);
      ctx.out.result(t, () => `Deleted export type ${t.idnumber}.`);
      return 0;
    }),
  );
}

function registerPurgeTypes(program: Command): void {
  const types = program
    .command('purge-types')
    .description('named selections of items to erase, each with its mode');
  types
    .command('list')
    .option('--status <status>', 'only types for this subject status', statusOption)
    .action(
      action(async (ctx, o: { status?: string }) => {
        const list = await listPurgeTypes(await ctx.engine(), o.status ? { status: o.status } : {});
        ctx.out.result(list, () =>
          table(
            ['IDNUMBER', 'NAME', 'STATUS', 'MANUAL', 'AUTOMATIC', 'ITEMS', 'NEW'],
            list.map((t) => [
              t.idnumber,
              t.name,
              t.status,
              t.allowManual ? 'yes' : '',
              t.allowAutomatic ? 'yes' : '',
              t.items.length,
              t.newItems.length || '',
            ]),
          ),
        );
        return 0;
      }),
    );
  types.command('show <type>').action(
    action(async (ctx, ref: string) => {
      const t = await getPurgeType(await ctx.engine(), ref);
      ctx.out.result(t, () => describePurge(t));
      return 0;
    }),
  );
  const withFields = (c: Command) =>
    c
      .option('--name <name>')
      .option('--description <text>')
      .option('--manual <yes|no>', 'admins may run it by hand', yesNo('--manual'))
      .option(
        '--automatic <yes|no>',
        'runs by itself for suspended or deleted subjects',
        yesNo('--automatic'),
      )
      .option(
        '--items <pairs>',
        'comma-separated component/name:mode pairs (mode: delete or anonymise)',
        purgeItemsOption,
      );
  withFields(
    types.command('create <idnumber>').description('create a purge type; its status is fixed once created'),
  )
    .requiredOption('--status <status>', 'the subject status it applies to: active, suspended or deleted')
    .action(
      action(async (ctx, idnumber: string, o: PurgeOptions) => {
        const t = await createPurgeType(await ctx.engine(), ctx.actor, {
          ...purgePatch(o),
          idnumber,
          name: o.name ?? idnumber,
          status: statusOption(o.status ?? ''),
        });
        ctx.out.result(t, () => `Created purge type ${t.idnumber}.\n${describePurge(t)}`);
        return 0;
      }),
    );
  withFields(types.command('update <type>').description('edit a purge type (saving it clears its New items)'))
    .option('--idnumber <idnumber>', 'a new idnumber')
    .option('--status <status>', 'refused unless unchanged: the status is fixed')
    .action(
      action(async (ctx, ref: string, o: PurgeOptions) => {
        const t = await updatePurgeType(await ctx.engine(), ctx.actor, ref, {
          ...purgePatch(o),
          ...(o.status !== undefined ? { status: statusOption(o.status) } : {}),
        });
        ctx.out.result(t, () => `Updated purge type ${t.idnumber}.\n${describePurge(t)}`);
        return 0;
      }),
    );
  types
    .command('duplicate <type>')
    .option('--idnumber <idnumber>')
    .option('--name <name>')
    .action(
      action(async (ctx, ref: string, o: { idnumber?: string; name?: string }) => {
        const t = await duplicatePurgeType(await ctx.engine(), ctx.actor, ref, o);
        ctx.out.result(t, () => `Created purge type ${t.idnumber} as a copy.`);
        return 0;
      }),
    );
  types.command('delete <type>').action(
    action(async (ctx, ref: string) => {
      const t = await deletePurgeType(await ctx.engine(), ctx.actor, ref);
      ctx.out.result(t, () => `Deleted purge type ${t.idnumber}.`);
      return 0;
    }),
  );
  types
    .command('reapply <type>')
    .description('purge again, automatically, the subjects this type has already purged')
    .action(
      action(async (ctx, ref: string) => {
        const t = await reapplyPurgeType(await ctx.engine(), ctx.actor, ref);
        ctx.out.result(t, () => `Purge type ${t.idnumber} will be applied again from ${t.reappliedAt}.`);
        return 0;
      }),
    );
  types
    .command('items <status>')
    .description('which items each mode allows for a subject status, and why not')
    .action(
      action(async (ctx, status: string) => {
        const list = await itemsForStatus(await ctx.engine(), statusOption(status));
        ctx.out.result(list, () => JSON.stringify(list, null, 2));
        return 0;
      }),
    );
}

export function registerTypesCommands(program: Command): void {
  registerExportTypes(program);
  registerPurgeTypes(program);
}
