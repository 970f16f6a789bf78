import { base, en, Faker } from '@faker-js/faker';

/** The moment the generated campus "is": every date is relative to it, so a seed always gives the same data. */
export const campusReferenceDate = '2025-06-01T12:00:00.000Z';

const referenceMs = Date.parse(campusReferenceDate);
const dayMs = 86_400_000;

/** A seeded faker with the few helpers the generator needs. */
export class CampusRandom {
  readonly faker: Faker;

  constructor(seed: number) {
    this.faker = new Faker({ locale: [en, base], seed });
    this.faker.setDefaultRefDate(campusReferenceDate);
  }

  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  chance(probability: number): boolean {
    return this.faker.number.float({ min: 0, max: 1 }) < probability;
  }

  pick<T>(list: readonly T[]): T {
    const value = list[this.int(0, list.length - 1)];
    if (value === undefined) throw new Error('pick() from an empty list');
    return value;
  }

  /** Up to `count` distinct elements, in a random order. */
  some<T>(list: readonly T[], count: number): T[] {
    const n = Math.min(count, list.length);
    if (n === 0) return [];
    if (n * 4 < list.length) {
      const seen = new Set<number>();
      const out: T[] = [];
      while (out.length < n) {
        const index = this.int(0, list.length - 1);
        if (seen.has(index)) continue;
        seen.add(index);
        out.push(list[index] as T);
      }
      return out;
    }
    return this.faker.helpers.shuffle([...list]).slice(0, n);
  }

  /** An ISO timestamp between `fromDaysAgo` and `toDaysAgo` days before the reference date. */
  daysAgo(fromDaysAgo: number, toDaysAgo = 0): string {
    const from = referenceMs - fromDaysAgo * dayMs;
    const to = referenceMs - toDaysAgo * dayMs;
    return new Date(this.int(Math.min(from, to), Math.max(from, to))).toISOString();
  }

  /** An ISO timestamp within `maxDays` days after `iso` (but never after the reference date unless asked). */
  after(iso: string, maxDays: number, allowFuture = false): string {
    const start = Date.parse(iso);
    const end = allowFuture ? start + maxDays * dayMs : Math.min(start + maxDays * dayMs, referenceMs);
    return new Date(this.int(start, Math.max(start, end))).toISOString();
  }

  sentence(): string {
    return this.faker.lorem.sentence();
  }

  paragraph(sentences?: number): string {
    return this.faker.lorem.paragraph(sentences);
  }

  paragraphs(count: number): string {
    return this.faker.lorem.paragraphs(count, '\n\n');
  }
}

/** Lower-case ASCII letters and digits only, for usernames and addresses. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
