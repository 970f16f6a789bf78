import { LetheError } from '../../../src/errors/index.js';
import type { Item } from '../../../src/items/index.js';
import { activityItems } from './activity-items.js';
import { CampusDatabase } from './campus-database.js';
import { codeOnlyItems } from './code-only-items.js';
import { filesItems } from './files-items.js';
import { forumItems } from './forum-items.js';
import { helpdeskItems } from './helpdesk-items.js';
import { userItems } from './user-items.js';

export { CampusDatabase, campusDatabasePath, openCampusConnection } from './campus-database.js';
export { type CodeOnlyItemKey, codeOnlyReasons } from './code-only-items.js';
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
  /**
   * `all` (the default): every campus item in code. `code-only`: only the items that must stay in code when the
   * other items come from examples/campus/dataset.yaml (see `codeOnlyReasons`), with mentions as items of their own.
   */
  set?: 'all' | 'code-only';
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
  const set = options['set'] ?? 'all';
  if (set !== 'all' && set !== 'code-only') {
    throw new LetheError(
      'LETHE_E_ITEM_SOURCE',
      `The campus items option "set" must be "all" or "code-only", not ${JSON.stringify(set)}.`,
      { option: 'set' },
    );
  }
  const campus = CampusDatabase.fromUrl({ database, ...(filesDir ? { filesDir } : {}) });
  opened.add(campus);
  const all = [
    ...userItems(campus),
    ...filesItems(campus),
    ...activityItems(campus),
    ...forumItems(campus),
    ...helpdeskItems(campus),
  ];
  return set === 'code-only' ? codeOnlyItems(campus, all) : all;
}

/** Closes every database that createItems opened. */
export function closeItems(): void {
  for (const campus of opened) campus.close();
  opened.clear();
}
