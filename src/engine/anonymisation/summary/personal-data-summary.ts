import {
  type BatchResult,
  type CountGroup,
  type EraseMode,
  eraseModes,
  type Item,
  itemKey,
  resultsPerSubject,
  runWithLimit,
  type SubjectRef,
  type SubjectStatus,
} from '../../../items/index.js';
import type { Engine } from '../../engine.js';
import { requireSubject } from '../../requests/index.js';
import { getAnonymousUser } from '../../settings/index.js';
import { type Subject, toSubjectRef } from '../../subjects/index.js';
import { type DoneMark, latestErasures } from './latest-erasures.js';

/** Whether a mode may be applied to the subject now, and why not. */
export interface ModeState {
  allowed: boolean;
  reason?: string;
}

/**
 * - `pending`: the item still holds data of the subject;
 * - `done`: it holds none, and an erase of it succeeded;
 * - `empty`: it holds none, and was never erased;
 * - `error`: counting failed or timed out (see `error`);
 * - `unknown`: the item cannot count.
 */
export type SummaryItemState = 'pending' | 'done' | 'empty' | 'error' | 'unknown';

export interface SummaryItem {
  key: string;
  name: string;
  title: string;
  /** The subject's records in the item; null when the item cannot count or counting failed. */
  count: number | null;
  /** Why counting failed (an item error or its time limit). */
  error?: string;
  /** Each mode the item supports, allowed for the subject's current status or not. */
  modes: Partial<Record<EraseMode, ModeState>>;
  /** The latest erase of this item that succeeded for the subject. */
  done: DoneMark | null;
  state: SummaryItemState;
}

export interface SummaryComponent {
  component: string;
  /** The group label of the component's first item ("Activity: Forum"). */
  group: string;
  items: SummaryItem[];
  /** The sum of the items' known counts. */
  total: number;
}

/** A subject's personal data, application by application (Liferay's "Personal Data" page). */
export interface PersonalDataSummary {
  subject: Subject;
  components: SummaryComponent[];
  /** The sum of every known count. */
  total: number;
  /** Items whose count failed. */
  errors: number;
}

function modeStates(item: Item, status: SubjectStatus): Partial<Record<EraseMode, ModeState>> {
  const out: Partial<Record<EraseMode, ModeState>> = {};
  for (const mode of eraseModes) {
    const capability = item.modes[mode];
    if (!capability) continue;
    out[mode] = capability.statuses.includes(status)
      ? { allowed: true }
      : {
          allowed: false,
          reason:
            capability.statuses.length > 0
              ? `Allowed only for ${capability.statuses.join(' and ')} subjects, not ${status}.`
              : 'Not allowed for any subject status.',
        };
  }
  return out;
}

/** An item's count for the summary: null when it cannot count or counting failed (then `error` says why). */
interface Counted {
  count: number | null;
  error?: string;
}

/** What an item's batch result says of the subject. */
function countedOf(subject: SubjectRef, batch: BatchResult): Counted {
  const result = resultsPerSubject([subject], batch).get(subject.id);
  if (!result || result.status === 'success') return { count: result?.count ?? 0 };
  if (result.status === 'skipped') return { count: 0 };
  return { count: null, error: result.message ?? 'The item could not count.' };
}

async function countOne(
  engine: Engine,
  item: Item,
  subject: SubjectRef,
  anonymousUser: SubjectRef,
): Promise<Counted> {
  const count = item.count?.bind(item);
  if (!count) return { count: null };
  const timeLimitMs = engine.config.worker.itemTimeLimitMs;
  const run = await runWithLimit(
    (signal, deadline) => count({ subjects: [subject], anonymousUser, signal, timeLimitMs, deadline }),
    { timeLimitMs },
  );
  if (!run.ok) return { count: null, error: run.result.message ?? run.result.status };
  return countedOf(subject, run.value);
}

/**
 * The counts of the items that share a count group (two or more items that can count), each group in one call
 * within the item time limit. An item missing from the answer (the group left it out, failed or timed out) is
 * missing here too, and is then counted on its own.
 */
async function countGroups(
  engine: Engine,
  items: readonly Item[],
  subject: SubjectRef,
  anonymousUser: SubjectRef,
): Promise<Map<Item, Counted>> {
  const groups = new Map<CountGroup, Item[]>();
  for (const item of items) {
    if (!item.countGroup || !item.count) continue;
    const members = groups.get(item.countGroup);
    if (members) members.push(item);
    else groups.set(item.countGroup, [item]);
  }
  const out = new Map<Item, Counted>();
  const timeLimitMs = engine.config.worker.itemTimeLimitMs;
  for (const [group, members] of groups) {
    if (members.length < 2) continue;
    const run = await runWithLimit(
      (signal, deadline) =>
        group.countAll(members, { subjects: [subject], anonymousUser, signal, timeLimitMs, deadline }),
      { timeLimitMs },
    );
    if (!run.ok) continue;
    for (const item of members) {
      const batch = run.value.get(itemKey(item));
      if (batch) out.set(item, countedOf(subject, batch));
    }
  }
  return out;
}

function stateOf(count: number | null, error: string | undefined, done: DoneMark | null): SummaryItemState {
  if (error !== undefined) return 'error';
  if (count === null) return done ? 'done' : 'unknown';
  if (count > 0) return 'pending';
  return done ? 'done' : 'empty';
}

/**
 * For one subject, every registered item grouped by component, in catalogue order: how many records it holds
 * (each item's `count`, within its time limit, or its share of its count group's one call, with the same time
 * limit and a fallback to its own `count`; a count that fails shows as an error, not a crash), the modes it
 * supports and whether the subject's status allows them, and what was last erased (from the latest succeeded
 * result of a purge request). LETHE_E_INVALID_INPUT, LETHE_E_SUBJECT_UNKNOWN.
 */
export async function personalDataSummary(engine: Engine, subjectId: string): Promise<PersonalDataSummary> {
  // Three independent reads: on PostgreSQL they go out together.
  const [subject, anonymous, done] = await Promise.all([
    requireSubject(engine.db, subjectId),
    getAnonymousUser(engine, 'system'),
    latestErasures(engine.db, subjectId),
  ]);
  const ref = toSubjectRef(subject);
  const anonymousUser = toSubjectRef(anonymous);
  const components: SummaryComponent[] = [];
  const byComponent = new Map<string, SummaryComponent>();
  let total = 0;
  let errors = 0;
  const items = engine.items.list();
  // Items that can count together (a dataset's) are counted in one call per group; any left over, one by one.
  const grouped = await countGroups(engine, items, ref, anonymousUser);
  for (const item of items) {
    const key = itemKey(item);
    const counted = grouped.get(item) ?? (await countOne(engine, item, ref, anonymousUser));
    const mark = done.get(key) ?? null;
    const entry: SummaryItem = {
      key,
      name: item.name,
      title: item.title,
      count: counted.count,
      ...(counted.error !== undefined ? { error: counted.error } : {}),
      modes: modeStates(item, subject.status),
      done: mark,
      state: stateOf(counted.count, counted.error, mark),
    };
    let component = byComponent.get(item.component);
    if (!component) {
      component = { component: item.component, group: item.group, items: [], total: 0 };
      byComponent.set(item.component, component);
      components.push(component);
    }
    component.items.push(entry);
    component.total += counted.count ?? 0;
    total += counted.count ?? 0;
    if (counted.error !== undefined) errors++;
  }
  return { subject, components, total, errors };
}
