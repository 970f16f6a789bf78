import type {
  BatchResult,
  EraseContext,
  EraseMode,
  Item,
  SubjectContext,
  SubjectStatus,
} from '../../src/items/index.js';

/** One call an item received: which subjects, in which mode, dry run or not. */
export interface FakeCall {
  key: string;
  subjects: string[];
  mode: EraseMode;
  dryRun: boolean;
}

/**
 * Personal data held in memory: for each item key, each subject's records. Items built on it count, export and
 * erase those records, and every erase call is logged, so tests can see what ran and for whom.
 */
export class FakeData {
  readonly records = new Map<string, Map<string, string[]>>();
  readonly calls: FakeCall[] = [];

  put(key: string, subjectId: string, values: string[]): void {
    const byItem = this.records.get(key) ?? new Map<string, string[]>();
    byItem.set(subjectId, [...values]);
    this.records.set(key, byItem);
  }

  get(key: string, subjectId: string): string[] {
    return this.records.get(key)?.get(subjectId) ?? [];
  }

  callsOf(key: string): FakeCall[] {
    return this.calls.filter((c) => c.key === key);
  }
}

export interface FakeItemOptions {
  modes?: Partial<Record<EraseMode, readonly SubjectStatus[]>>;
  /** Runs before the item erases (to wait, to throw, or to change something mid-purge). */
  before?: (ctx: EraseContext) => Promise<void> | void;
  sortOrder?: number;
}

export function fakeItem(
  data: FakeData,
  component: string,
  name: string,
  options: FakeItemOptions = {},
): Item {
  const key = `${component}/${name}`;
  const modes = options.modes ?? {
    delete: ['active', 'suspended', 'deleted'],
    anonymise: ['active', 'suspended', 'deleted'],
  };
  return {
    component,
    name,
    group: 'Test',
    title: `${component} ${name}`,
    help: '',
    sortOrder: options.sortOrder ?? 0,
    modes: Object.fromEntries(Object.entries(modes).map(([mode, statuses]) => [mode, { statuses }])),
    async count(ctx) {
      return new Map(ctx.subjects.map((s) => [s.id, data.get(key, s.id).length]));
    },
    export: {
      async *records(ctx: SubjectContext) {
        for (const value of data.get(key, ctx.subject.id)) yield { value };
      },
    },
    async erase(ctx: EraseContext): Promise<BatchResult> {
      data.calls.push({ key, subjects: ctx.subjects.map((s) => s.id), mode: ctx.mode, dryRun: ctx.dryRun });
      await options.before?.(ctx);
      const out = new Map<string, number>();
      for (const subject of ctx.subjects) {
        const values = data.get(key, subject.id);
        out.set(subject.id, values.length);
        if (!ctx.dryRun) {
          data.put(
            key,
            subject.id,
            ctx.mode === 'delete' ? [] : values.map(() => `anonymised:${ctx.anonymousUser.id}`),
          );
          if (ctx.mode === 'delete') data.records.get(key)?.delete(subject.id);
        }
      }
      return out;
    },
  };
}
