import { LetheError } from '../../errors/index.js';
import { type EraseMode, eraseModes } from '../../items/index.js';
import type { Actor, Engine } from '../engine.js';
import { readSettings } from '../settings/index.js';
import { getRequest } from './get-request.js';
import { insertRequest } from './insert-request.js';
import { openPurgeId, purgeOpenError, refuseAnonymous, requireSubject } from './purge-request-guards.js';
import {
  isUniqueViolation,
  type LetheRequest,
  type PlanStep,
  type RequestOrigin,
  requestOrigins,
} from './request-model.js';

export interface RequestEraseInput {
  subjectId: string;
  /** The items to erase, each with its mode, in any order (they run in the catalogue's order). */
  plan: readonly PlanStep[];
  origin: RequestOrigin;
  dryRun?: boolean;
  /** Extra details for the audit event. */
  details?: Record<string, unknown>;
}

/** Checks a plan against the catalogue and the subject's status; returns a copy. */
export function checkPlan(engine: Engine, plan: unknown, status: string): PlanStep[] {
  if (!Array.isArray(plan) || plan.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Give at least one item to erase.', { field: 'plan' });
  }
  const seen = new Set<string>();
  const out: PlanStep[] = [];
  for (const step of plan as unknown[]) {
    const { key, mode } = (step ?? {}) as { key?: unknown; mode?: unknown };
    if (typeof key !== 'string' || !eraseModes.includes(mode as EraseMode)) {
      throw new LetheError('LETHE_E_INVALID_INPUT', 'Each step of a plan needs an item key and a mode.', {
        field: 'plan',
        step,
      });
    }
    if (seen.has(key)) {
      throw new LetheError('LETHE_E_INVALID_INPUT', `The item "${key}" is in the plan twice.`, {
        field: 'plan',
        item: key,
      });
    }
    seen.add(key);
    const item = engine.items.get(key);
    const capability = item.modes[mode as EraseMode];
    if (!capability) {
      throw new LetheError('LETHE_E_MODE_UNSUPPORTED', `The item "${key}" cannot ${String(mode)}.`, {
        item: key,
        mode,
      });
    }
    if (!capability.statuses.includes(status as never)) {
      throw new LetheError(
        'LETHE_E_STATUS_NOT_ALLOWED',
        `The item "${key}" cannot ${String(mode)} while the subject is ${status}.`,
        { item: key, mode, status },
      );
    }
    out.push({ key, mode: mode as EraseMode });
  }
  return out;
}

/**
 * Queues an erasure of one subject by an explicit plan (no purge type). The low-level creator the anonymisation
 * and the purge use cases build on. LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED, LETHE_E_ITEM_UNKNOWN,
 * LETHE_E_MODE_UNSUPPORTED, LETHE_E_STATUS_NOT_ALLOWED, LETHE_E_PURGE_OPEN.
 */
export async function requestErase(
  engine: Engine,
  actor: Actor,
  input: RequestEraseInput,
): Promise<LetheRequest> {
  if (!requestOrigins.includes(input.origin)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(input.origin)}' is not a request origin.`, {
      field: 'origin',
    });
  }
  const subject = await requireSubject(engine.db, input.subjectId);
  refuseAnonymous(subject, await readSettings(engine.db), 'purge');
  const plan = checkPlan(engine, input.plan, subject.status);
  const id = await createPurgeRequest(engine, actor, {
    subjectId: subject.id,
    subjectStatus: subject.status,
    origin: input.origin,
    plan,
    dryRun: input.dryRun === true,
    details: input.details ?? {},
  });
  return getRequest(engine, id);
}

export interface NewPurgeRequest {
  subjectId: string;
  subjectStatus: string;
  origin: RequestOrigin;
  purgeTypeId?: number;
  plan?: readonly PlanStep[];
  dryRun: boolean;
  details: Record<string, unknown>;
}

/** Inserts a purge request in its own transaction; LETHE_E_PURGE_OPEN if one is already open (dry runs excepted). */
export async function createPurgeRequest(
  engine: Engine,
  actor: Actor,
  values: NewPurgeRequest,
): Promise<number> {
  try {
    return await engine.db.transaction().execute(async (trx) => {
      if (!values.dryRun) {
        const open = await openPurgeId(trx, values.subjectId);
        if (open !== undefined) throw purgeOpenError(values.subjectId, open);
      }
      return insertRequest(trx, engine, actor, {
        kind: 'purge',
        subjectId: values.subjectId,
        origin: values.origin,
        subjectStatus: values.subjectStatus,
        purgeTypeId: values.purgeTypeId ?? null,
        plan: values.plan ?? null,
        dryRun: values.dryRun,
        details: values.details,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw purgeOpenError(values.subjectId);
    throw error;
  }
}
