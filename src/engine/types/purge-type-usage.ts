import type { Db } from '../engine.js';

/** Where a purge type is used: while any of these is set, it can't be deleted. */
export interface PurgeTypeUsage {
  /** Subjects that have it as their suspended or deleted purge type. */
  subjects: number;
  /** The setting it is the default of, if any. */
  default: 'suspended' | 'deleted' | null;
  /** Pending or running requests that use it. */
  openRequests: number;
}

/** The settings keys (written by the settings module) whose JSON value is a default purge type's id. */
export const defaultPurgeTypeSettings = {
  defaultSuspendedPurgeTypeId: 'suspended',
  defaultDeletedPurgeTypeId: 'deleted',
} as const;

function settingId(value: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'number') return parsed;
    if (typeof parsed === 'string' && /^[0-9]+$/.test(parsed)) return Number(parsed);
  } catch {
    // a malformed value names no type
  }
  return undefined;
}

/** The usage of each of the given purge types, read in a few set-based queries. */
export async function purgeTypeUsage(db: Db, ids: readonly number[]): Promise<Map<number, PurgeTypeUsage>> {
  const usage = new Map<number, PurgeTypeUsage>(
    ids.map((id) => [id, { subjects: 0, default: null, openRequests: 0 }]),
  );
  if (ids.length === 0) return usage;
  const list = [...ids];
  const subjects = await db
    .selectFrom('purge_types as pt')
    .innerJoin('subjects as s', (join) =>
      join.on((eb) =>
        eb.or([
          eb('s.suspended_purge_type_id', '=', eb.ref('pt.id')),
          eb('s.deleted_purge_type_id', '=', eb.ref('pt.id')),
        ]),
      ),
    )
    .select((eb) => ['pt.id', eb.fn.countAll<number>().as('n')])
    .where('pt.id', 'in', list)
    .groupBy('pt.id')
    .execute();
  for (const row of subjects) {
    const entry = usage.get(Number(row.id));
    if (entry) entry.subjects = Number(row.n);
  }
  const settings = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', Object.keys(defaultPurgeTypeSettings))
    .execute();
  for (const row of settings) {
    const id = settingId(row.value);
    const entry = id === undefined ? undefined : usage.get(id);
    if (entry && entry.default === null) {
      entry.default = defaultPurgeTypeSettings[row.key as keyof typeof defaultPurgeTypeSettings];
    }
  }
  const requests = await db
    .selectFrom('requests')
    .select((eb) => ['purge_type_id', eb.fn.countAll<number>().as('n')])
    .where('purge_type_id', 'in', list)
    .where('status', 'in', ['pending', 'running'])
    .groupBy('purge_type_id')
    .execute();
  for (const row of requests) {
    const entry = usage.get(Number(row.purge_type_id));
    if (entry) entry.openRequests = Number(row.n);
  }
  return usage;
}

export function isInUse(usage: PurgeTypeUsage): boolean {
  return usage.subjects > 0 || usage.default !== null || usage.openRequests > 0;
}

/** Why a type is in use, as a sentence fragment: "it is assigned to 3 subjects and it is the default for deleted subjects". */
export function describeUsage(usage: PurgeTypeUsage): string {
  const reasons: string[] = [];
  if (usage.subjects > 0) {
    reasons.push(`it is assigned to ${usage.subjects} ${usage.subjects === 1 ? 'subject' : 'subjects'}`);
  }
  if (usage.default !== null) reasons.push(`it is the default for ${usage.default} subjects`);
  if (usage.openRequests > 0) {
    reasons.push(
      `${usage.openRequests} pending or running ${usage.openRequests === 1 ? 'request uses' : 'requests use'} it`,
    );
  }
  return reasons.length <= 1
    ? (reasons[0] ?? '')
    : `${reasons.slice(0, -1).join(', ')} and ${reasons[reasons.length - 1]}`;
}
