import type { SubjectRef, SubjectStatus } from '../../items/index.js';
import type { SubjectsTable } from '../../store/index.js';

/** A person whose data Lethe manages, as the engine reads it from the store. */
export interface Subject {
  id: string;
  username: string;
  email: string;
  fullName: string;
  kind: string;
  status: SubjectStatus;
  statusChangedAt: string;
  suspendedPurgeTypeId: number | null;
  deletedPurgeTypeId: number | null;
  legacy: boolean;
  /** The identity that anonymised content is attributed to (or once was): never exported, purged or changed. */
  anonymous: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The id of the anonymous user that Lethe creates on first use when none is configured. */
export const defaultAnonymousSubjectId = 'lethe-anonymous';

/** What an item needs to know of a subject while it runs. */
export function toSubjectRef(subject: Subject): SubjectRef {
  return {
    id: subject.id,
    username: subject.username,
    email: subject.email,
    fullName: subject.fullName,
    kind: subject.kind,
    status: subject.status,
  };
}

export function rowToSubject(row: SubjectsTable): Subject {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    fullName: row.full_name,
    kind: row.kind,
    status: row.status as SubjectStatus,
    statusChangedAt: row.status_changed_at,
    suspendedPurgeTypeId: row.suspended_purge_type_id === null ? null : Number(row.suspended_purge_type_id),
    deletedPurgeTypeId: row.deleted_purge_type_id === null ? null : Number(row.deleted_purge_type_id),
    legacy: Number(row.legacy) === 1,
    anonymous: Number(row.anonymous) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
