import type { Engine } from '../engine.js';
import { newLeaseExpiry } from './claim-work.js';

/**
 * Keeps this worker's lease on the requests it runs alive: every third of the lease it pushes lease_expires_at
 * forward, for the requests it still owns. Stop it when the requests are finished.
 */
export class LeaseKeeper {
  readonly #timer: NodeJS.Timeout;
  #ids: number[];
  #busy = false;

  constructor(
    private readonly engine: Engine,
    private readonly workerId: string,
    ids: readonly number[],
  ) {
    this.#ids = [...ids];
    const every = Math.max(100, Math.floor((engine.config.worker.leaseSeconds * 1000) / 3));
    this.#timer = setInterval(() => void this.renew(), every);
  }

  /** Stops renewing these requests (they are finished or no longer ours). */
  drop(ids: Iterable<number>): void {
    const gone = new Set(ids);
    this.#ids = this.#ids.filter((id) => !gone.has(id));
  }

  async renew(): Promise<void> {
    if (this.#busy || this.#ids.length === 0) return;
    this.#busy = true;
    try {
      await this.engine.db
        .updateTable('requests')
        .set({ lease_expires_at: newLeaseExpiry(this.engine) })
        .where('id', 'in', this.#ids)
        .where('lease_owner', '=', this.workerId)
        .execute();
    } catch {
      // The store is unreachable for a moment: the next beat tries again, and the lease covers the gap.
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
