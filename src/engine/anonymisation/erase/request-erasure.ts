import { LetheError } from '../../../errors/index.js';
import { type EraseMode, eraseModes } from '../../../items/index.js';
import type { Actor, Engine } from '../../engine.js';
import {
  type LetheRequest,
  type PlanStep,
  refuseAnonymous,
  requestErase,
  requireSubject,
} from '../../requests/index.js';
import { readSettings } from '../../settings/index.js';
import type { Subject } from '../../subjects/index.js';
import { resolveErasureItems, type SkippedItem } from './resolve-erasure-items.js';

export interface ErasureInput {
  subjectId: string;
  /** Components (`forum`) and single items (`blog/posts`), in any order. */
  items: readonly string[];
  mode: EraseMode;
  /** An administrator (default) or a host application through the API. */
  origin?: 'admin' | 'api';
  /** Report what would be erased, item by item, and change nothing. */
  dryRun?: boolean;
}

export interface ErasureResult {
  /** The purge request: origin `admin` (or `api`), no purge type, the plan below. */
  request: LetheRequest;
  plan: PlanStep[];
  /** Items of the chosen components that were left out, and why. */
  skipped: SkippedItem[];
}

/** LETHE_E_SUBJECT_ACTIVE: the "Delete Personal Data" flow needs a deactivated subject. */
export function refuseActive(subject: Subject, what: string): void {
  if (subject.status === 'active') {
    throw new LetheError(
      'LETHE_E_SUBJECT_ACTIVE',
      `Subject '${subject.id}' is active: deactivate them first (set their status to suspended or deleted), then ${what}.`,
      { subjectId: subject.id, status: subject.status },
    );
  }
}

/**
 * Liferay's "Delete Personal Data": the admin picks components or single items and applies one mode to them. It
 * queues a purge request with no purge type (a plan), so it runs, is recorded and is reported like any other
 * purge. Refusals: LETHE_E_INVALID_INPUT (origin, mode, no items), LETHE_E_SUBJECT_UNKNOWN,
 * LETHE_E_SUBJECT_PROTECTED (the anonymous user), LETHE_E_SUBJECT_ACTIVE (deactivate first),
 * LETHE_E_ITEM_UNKNOWN, LETHE_E_MODE_UNSUPPORTED, LETHE_E_STATUS_NOT_ALLOWED (each naming the item or component),
 * LETHE_E_PURGE_OPEN.
 */
export async function requestErasure(
  engine: Engine,
  actor: Actor,
  input: ErasureInput,
): Promise<ErasureResult> {
  const origin = input.origin ?? 'admin';
  if (origin !== 'admin' && origin !== 'api') {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `An erasure's origin is admin or api, not '${String(origin)}'.`,
      {
        field: 'origin',
      },
    );
  }
  if (!eraseModes.includes(input.mode)) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `The mode is ${eraseModes.join(' or ')}, not '${String(input.mode)}'.`,
      { field: 'mode' },
    );
  }
  if (!Array.isArray(input.items) || input.items.some((s) => typeof s !== 'string')) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'items must be a list of components and items.', {
      field: 'items',
    });
  }
  const subject = await requireSubject(engine.db, input.subjectId);
  refuseAnonymous(subject, await readSettings(engine.db), 'purge');
  refuseActive(subject, 'erase their personal data');
  const { plan, skipped } = resolveErasureItems(engine.items, input.items, input.mode, subject.status);
  const request = await requestErase(engine, actor, {
    subjectId: subject.id,
    plan,
    origin,
    ...(input.dryRun ? { dryRun: true } : {}),
    details: {
      erasure: { mode: input.mode, items: [...input.items] },
      ...(skipped.length > 0 ? { skipped: skipped.map((s) => s.key) } : {}),
    },
  });
  return { request, plan, skipped };
}
