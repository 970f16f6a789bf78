import { getPriority, setPriority } from 'node:os';
import { messageOf } from '../errors/index.js';

/**
 * Lowers this process's CPU priority to `niceness` (worker.niceness), never raising it: a worker started with a
 * higher niceness (`nice -n 15 lethe worker`) keeps it. Returns why it could not, or undefined.
 */
export function lowerWorkerPriority(niceness: number): string | undefined {
  try {
    if (getPriority() < niceness) setPriority(niceness);
    return undefined;
  } catch (error) {
    return `could not lower the worker's CPU priority to niceness ${niceness}: ${messageOf(error)}`;
  }
}
