import { z } from 'zod';
import { eraseModes, itemKey, subjectStatuses } from '../../../items/index.js';
import { configReaders, staff } from '../../roles/access.js';
import type { Api } from '../define-route.js';

const modeSchema = z.object({ statuses: z.array(z.enum(subjectStatuses)) });

export const itemSchema = z.object({
  key: z.string(),
  component: z.string(),
  name: z.string(),
  group: z.string(),
  title: z.string(),
  help: z.string(),
  sortOrder: z.number(),
  count: z.boolean(),
  export: z.boolean(),
  exportFiles: z.boolean(),
  modes: z.partialRecord(z.enum(eraseModes), modeSchema),
});

/** The item catalogue. */
export function registerItemRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/items',
    operationId: 'listItems',
    summary: 'Every item, with what it can do and the statuses each erase mode allows.',
    tags: ['items'],
    access: staff(configReaders, 'config:read'),
    response: z.object({ items: z.array(itemSchema) }),
    handler: async () => ({
      items: api.engine.items.list().map((item) => ({
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
          Object.entries(item.modes).map(([mode, capability]) => [
            mode,
            { statuses: [...(capability?.statuses ?? [])] },
          ]),
        ),
      })),
    }),
  });
}
