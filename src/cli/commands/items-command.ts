import type { Command } from 'commander';
import { itemKey } from '../../items/index.js';
import { table } from '../output.js';
import { action } from '../run-action.js';

export function registerItemsCommand(program: Command): void {
  const items = program.command('items').description('the personal data items Lethe knows of');
  items
    .command('list')
    .description('list every item with its modes and the statuses that allow them')
    .action(
      action(async (ctx) => {
        const engine = await ctx.engine();
        const list = engine.items.list().map((item) => ({
          key: itemKey(item),
          component: item.component,
          name: item.name,
          group: item.group,
          title: item.title,
          help: item.help,
          sortOrder: item.sortOrder,
          count: Boolean(item.count),
          export: Boolean(item.export),
          exportFiles: Boolean(item.export?.files),
          modes: Object.fromEntries(
            Object.entries(item.modes).map(([mode, cap]) => [mode, { statuses: cap?.statuses }]),
          ),
        }));
        ctx.out.result(list, () =>
          table(
            ['KEY', 'GROUP', 'TITLE', 'EXPORT', 'DELETE', 'ANONYMISE'],
            list.map((i) => [
              i.key,
              i.group,
              i.title,
              i.export ? 'yes' : '',
              i.modes['delete']?.statuses?.join('|') ?? '',
              i.modes['anonymise']?.statuses?.join('|') ?? '',
            ]),
          ),
        );
        return 0;
      }),
    );
}
