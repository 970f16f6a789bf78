import { LetheError } from '../../../src/errors/index.js';
import type { Item } from '../../../src/items/index.js';
import { activityItems } from './activity-items.js';
import { CampusDatabase } from './campus-database.js';
import { filesItems } from './files-items.js';
import { forumItems } from './forum-items.js';
import { helpdeskItems } from './helpdesk-items.js';
import { userItems } from './user-items.js';

export { CampusDatabase, campusDatabasePath } from './campus-database.js';
export {
  anonymiseSupportUsers,
  mentionsAddress,
  type SupportAnonymisation,
} from './helpdesk-rules.js';

export interface CampusItemOptions {
  /** The campus database: `sqlite:/abs/path/campus.db` (or a path). */
  database: string;
  /** Where file contents live when the generator wrote them to disk; `<database folder>/files` by default. */
  filesDir?: string;
}

const opened = new Set<CampusDatabase>();

/**
 * The campus demo's code items (the item source module named in the demo config). The database is opened on
 * first use, so the items can be listed before it exists.
 */
export function createItems(options: CampusItemOptions | Record<string, unknown>): Item[] {
  const database = options['database'];
  if (typeof database !== 'string' || database === '') {
    throw new LetheError(
      'LETHE_E_ITEM_SOURCE',
      'The campus items need the option "database" (sqlite:/path/to/campus.db).',
      { option: 'database' },
    );
  }
  const filesDir = typeof options['filesDir'] === 'string' ? options['filesDir'] : undefined;
  const campus = CampusDatabase.fromUrl({ database, ...(filesDir ? { filesDir } : {}) });
  opened.add(campus);
  return [
    ...userItems(campus),
    ...filesItems(campus),
    ...activityItems(campus),
    ...forumItems(campus),
    ...helpdeskItems(campus),
  ];
}

/** Closes every database that createItems opened. */
export function closeItems(): void {
  for (const campus of opened) campus.close();
  opened.clear();
}
