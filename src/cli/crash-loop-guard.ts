/** How many deaths of HTTP processes mean they are failing and must not be replaced. */
export interface CrashLoopLimit {
  /** Deaths within `withinMs`, or deaths in a row of processes that never listened. */
  deaths: number;
  withinMs: number;
}

export const defaultCrashLoopLimit: CrashLoopLimit = Object.freeze({ deaths: 5, withinMs: 10_000 });

/**
 * Counts unexpected deaths of HTTP processes and says when to stop replacing them: when `deaths` of them fell
 * within `withinMs`, or when `deaths` processes in a row died before they ever listened (a bad port or config:
 * however slowly the machine starts them, no replacement would fare better).
 */
export class CrashLoopGuard {
  readonly #limit: CrashLoopLimit;
  readonly #now: () => number;
  #recent: number[] = [];
  #failedStarts = 0;

  constructor(limit: CrashLoopLimit = defaultCrashLoopLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** A process listens: the count of failed starts in a row begins again. */
  listened(): void {
    this.#failedStarts = 0;
  }

  /** Records one death (`listened`: whether that process had listened); true when replacing must stop. */
  died(listened: boolean): boolean {
    const now = this.#now();
    this.#recent = [...this.#recent.filter((at) => now - at < this.#limit.withinMs), now];
    if (!listened) this.#failedStarts++;
    return this.#recent.length >= this.#limit.deaths || this.#failedStarts >= this.#limit.deaths;
  }

  /** `5 within 10 s, or 5 in a row at start`, for the error message. */
  describe(): string {
    const { deaths, withinMs } = this.#limit;
    return `${deaths} within ${withinMs / 1000} s, or ${deaths} in a row at start`;
  }
}
