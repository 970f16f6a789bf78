import type { Actor, Engine } from '../../../src/engine/engine.js';
import { updateSettings } from '../../../src/engine/settings/index.js';
import { createExportType, createPurgeType } from '../../../src/engine/types/index.js';
import { type EraseMode, type Item, itemKey, type SubjectStatus } from '../../../src/items/index.js';

/** Components whose content others rely on (threads, tickets): anonymised rather than deleted where possible. */
const sharedContent = new Set(['forum', 'blog', 'helpdesk']);
/** Data a subject should not receive in a self-service export: what others wrote about them, secrets. */
const notForSelf = /hidden|password|notes/;

function modeFor(item: Item, status: SubjectStatus): EraseMode | undefined {
  const allows = (mode: EraseMode) => item.modes[mode]?.statuses.includes(status) ?? false;
  if (sharedContent.has(item.component) && allows('anonymise')) return 'anonymise';
  if (allows('delete')) return 'delete';
  if (allows('anonymise')) return 'anonymise';
  return undefined;
}

function planFor(items: Item[], status: SubjectStatus, keep: (item: Item) => boolean = () => true) {
  const plan: Array<{ key: string; mode: EraseMode }> = [];
  for (const item of items) {
    if (!keep(item)) continue;
    const mode = modeFor(item, status);
    if (mode) plan.push({ key: itemKey(item), mode });
  }
  return plan;
}

/** The types a real site would start with, and the settings that make them the defaults. */
export async function createDemoTypes(engine: Engine, actor: Actor, anonymousUserId: string): Promise<void> {
  const items = engine.items.list();
  await createExportType(engine, actor, {
    idnumber: 'self-service',
    name: 'My data (self-service)',
    description:
      'Everything about you that you can see on the site, without data that others recorded about you.',
    allowSelf: true,
    includeFiles: true,
    items: items.filter((i) => i.export && !notForSelf.test(i.name)).map(itemKey),
  });
  await createPurgeType(engine, actor, {
    idnumber: 'purge-deleted',
    name: 'Purge deleted users',
    description:
      'Erases every item for deleted users. Forum, blog and helpdesk content is anonymised so threads stay whole.',
    status: 'deleted',
    allowManual: true,
    allowAutomatic: true,
    items: planFor(items, 'deleted'),
  });
  await createPurgeType(engine, actor, {
    idnumber: 'suspended-keep-training',
    name: 'Suspended: keep training records',
    description: 'Erases what suspension allows, and leaves course completions and badges alone.',
    status: 'suspended',
    allowManual: true,
    allowAutomatic: true,
    items: planFor(items, 'suspended', (i) => i.component !== 'completion' && i.component !== 'badges'),
  });
  await createPurgeType(engine, actor, {
    idnumber: 'forum-cleanup',
    name: 'Forum clean-up (active users)',
    description: "Removes an active user's forum activity on request, by hand.",
    status: 'active',
    allowManual: true,
    allowAutomatic: false,
    items: planFor(items, 'active', (i) => i.component === 'forum'),
  });
  await updateSettings(engine, actor, {
    defaultDeletedPurgeType: 'purge-deleted',
    defaultSuspendedPurgeType: 'suspended-keep-training',
    allowSelfExport: true,
    exportRetentionDays: 5,
    anonymousUserId,
  });
}
