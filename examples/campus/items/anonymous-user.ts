import type { SubjectRef } from '../../../src/items/index.js';
import type { CampusDatabase } from './campus-database.js';

export interface AnonymousHostUser {
  id: number;
  /** The name anonymised content shows as its author ("Anonymous"). */
  name: string;
}

/**
 * The campus user that anonymised content is re-attributed to: the user whose id is the anonymous subject's id,
 * else the system user with its username, else a new system user that cannot log in (created inside the
 * caller's transaction, so a dry run keeps nothing).
 */
export function anonymousHostUser(campus: CampusDatabase, anonymous: SubjectRef): AnonymousHostUser {
  const name = anonymous.fullName.trim() || 'Anonymous';
  if (/^[1-9][0-9]{0,15}$/.test(anonymous.id)) {
    const byId = campus.prepare('SELECT id FROM users WHERE id = ?').get(Number(anonymous.id)) as
      | { id: number }
      | undefined;
    if (byId) return { id: byId.id, name };
  }
  const username = anonymous.username.trim() || 'anonymous';
  const byName = campus
    .prepare("SELECT id FROM users WHERE username = ? AND kind = 'system'")
    .get(username) as { id: number } | undefined;
  if (byName) return { id: byName.id, name };
  let free = username;
  for (let n = 2; campus.prepare('SELECT 1 FROM users WHERE username = ?').get(free); n++)
    free = `${username}-${n}`;
  const now = new Date().toISOString();
  const inserted = campus
    .prepare(
      `INSERT INTO users (username, firstname, lastname, status, kind, auth, created_at, updated_at, status_changed_at)
       VALUES (?, ?, '', 'active', 'system', 'nologin', ?, ?, ?)`,
    )
    .run(free, name, now, now, now);
  return { id: Number(inserted.lastInsertRowid), name };
}

/** The campus user id of the anonymous subject, if it is one: erasing it is always skipped. */
export function anonymousHostId(anonymous: SubjectRef): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(anonymous.id) ? Number(anonymous.id) : undefined;
}
