import { LetheError } from '../../errors/index.js';
import { isoNow, type SubjectStatusChangesTable, type SubjectsTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { loadSubjectRows } from './find-subjects.js';
import { type ImportLine, importLineSchema, inputError } from './subject-input.js';

export interface ImportLineError {
  /** 1-based line number in the input. */
  line: number;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportLineError[];
}

export interface ImportProgress extends Omit<ImportResult, 'errors'> {
  /** Lines read so far (blank ones included). */
  lines: number;
  errors: number;
}

export interface ImportOptions {
  /** How many subjects are written per transaction (default 500, at most 2000). */
  chunkSize?: number;
  /** Called after each chunk is committed. */
  onProgress?: (progress: ImportProgress) => void;
}

interface Pending {
  line: number;
  values: ImportLine;
}

type NewStatusChange = Omit<SubjectStatusChangesTable, 'id'>;

const defaultChunkSize = 500;
const maxChunkSize = 2000;

/**
 * Imports subjects from JSONL, one subject per line, creating or updating each by id. Blank lines are ignored. A
 * malformed line is reported with its line number and the other lines still import. Subjects are written in
 * chunks, each in one transaction with one audit event (`subject.import`) summarising it, so a failure never
 * leaves a chunk half-written. A status change is recorded in the subject's status history. An update changes only
 * the fields that its line gives; a new subject needs username, email and fullName.
 */
export async function importSubjects(
  engine: Engine,
  actor: Actor,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > maxChunkSize) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `'chunkSize' must be a whole number from 1 to ${maxChunkSize}, not ${String(chunkSize)}.`,
      { field: 'chunkSize' },
    );
  }
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, errors: [] };
  let lineNo = 0;
  let pending: Pending[] = [];
  const pendingIds = new Set<string>();

  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    pendingIds.clear();
    const outcome = await writeChunk(engine, actor, chunk);
    result.created += outcome.created;
    result.updated += outcome.updated;
    result.unchanged += outcome.unchanged;
    result.errors.push(...outcome.errors);
    options.onProgress?.({
      lines: lineNo,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      errors: result.errors.length,
    });
  };

  for await (const raw of lines) {
    lineNo++;
    const text = raw.trim();
    if (text === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      result.errors.push({ line: lineNo, message: `Not valid JSON: ${(error as Error).message}` });
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      result.errors.push({ line: lineNo, message: 'Each line must be one JSON object (a subject).' });
      continue;
    }
    const checked = importLineSchema.safeParse(parsed);
    if (!checked.success) {
      result.errors.push({
        line: lineNo,
        message: inputError(checked.error.issues, parsed, 'The subject').message,
      });
      continue;
    }
    // The same id twice in one chunk: write the first before reading the second, so the second updates it.
    if (pendingIds.has(checked.data.id)) await flush();
    pending.push({ line: lineNo, values: checked.data });
    pendingIds.add(checked.data.id);
    if (pending.length >= chunkSize) await flush();
  }
  await flush();
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

const comparable = ['username', 'email', 'full_name', 'kind', 'status', 'legacy'] as const;

async function writeChunk(engine: Engine, actor: Actor, chunk: Pending[]): Promise<ImportResult> {
  const outcome: ImportResult = { created: 0, updated: 0, unchanged: 0, errors: [] };
  await engine.db.transaction().execute(async (trx) => {
    const existing = await loadSubjectRows(
      trx,
      engine.store.dialect,
      chunk.map((p) => p.values.id),
      true,
    );
    const now = isoNow();
    const upserts: SubjectsTable[] = [];
    const history: NewStatusChange[] = [];
    for (const { line, values } of chunk) {
      const old = existing.get(values.id);
      if (!old) {
        const missing = (['username', 'email', 'fullName'] as const).filter((f) => values[f] === undefined);
        if (missing.length > 0) {
          outcome.errors.push({
            line,
            message: `Subject '${values.id}' is new, so it needs ${missing.map((f) => `'${f}'`).join(', ')}.`,
          });
          continue;
        }
        const row: SubjectsTable = {
          id: values.id,
          username: values.username as string,
          email: values.email as string,
          full_name: values.fullName as string,
          kind: values.kind ?? 'learner',
          status: values.status ?? 'active',
          status_changed_at: values.statusChangedAt ?? now,
          suspended_purge_type_id: null,
          deleted_purge_type_id: null,
          legacy: values.legacy ? 1 : 0,
          anonymous: 0,
          created_at: now,
          updated_at: now,
        };
        upserts.push(row);
        history.push({
          subject_id: row.id,
          from_status: null,
          to_status: row.status,
          changed_at: row.status_changed_at,
          actor,
        });
        outcome.created++;
        continue;
      }
      const next: SubjectsTable = {
        ...old,
        username: values.username ?? old.username,
        email: values.email ?? old.email,
        full_name: values.fullName ?? old.full_name,
        kind: values.kind ?? old.kind,
        status: values.status ?? old.status,
        legacy: values.legacy === undefined ? Number(old.legacy) : values.legacy ? 1 : 0,
      };
      const changed = comparable.filter((c) => next[c] !== (c === 'legacy' ? Number(old[c]) : old[c]));
      if (changed.length === 0) {
        outcome.unchanged++;
        continue;
      }
      if (Number(old.anonymous) === 1) {
        outcome.errors.push({
          line,
          message: `Subject '${values.id}' is the anonymous user: an import cannot change it.`,
        });
        continue;
      }
      if (next.status !== old.status) {
        next.status_changed_at = values.statusChangedAt ?? now;
        history.push({
          subject_id: next.id,
          from_status: old.status,
          to_status: next.status,
          changed_at: next.status_changed_at,
          actor,
        });
      }
      next.updated_at = now;
      upserts.push(next);
      outcome.updated++;
    }
    if (upserts.length === 0) return;
    await trx
      .insertInto('subjects')
      .values(upserts)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          username: eb.ref('excluded.username'),
          email: eb.ref('excluded.email'),
          full_name: eb.ref('excluded.full_name'),
          kind: eb.ref('excluded.kind'),
          status: eb.ref('excluded.status'),
          status_changed_at: eb.ref('excluded.status_changed_at'),
          legacy: eb.ref('excluded.legacy'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    if (history.length > 0) await trx.insertInto('subject_status_changes').values(history).execute();
    const first = chunk[0]?.line ?? 0;
    const last = chunk[chunk.length - 1]?.line ?? 0;
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'subject.import',
      targetType: 'subjects',
      targetId: 'import',
      details: {
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        statusChanges: history.filter((h) => h.from_status !== null).length,
        rejected: outcome.errors.length,
        firstLine: first,
        lastLine: last,
      },
    });
  });
  return outcome;
}
