import type { Engine } from '../../../src/engine/engine.js';
import { importSubjects, registerSubject } from '../../../src/engine/subjects/index.js';
import { type CampusSubject, campusAnonymousUser, campusSubjects } from '../generate.js';

/**
 * Registers every person of a campus database as a Lethe subject: active, but for the legacy ones, which keep the
 * status they had when they were deleted (callers move the others to their host status, so that their status
 * history is real); and the host's own anonymous user as a `system` subject, so that anonymised content points at
 * a real host user. Returns the people and the anonymous user's id.
 */
export async function registerCampusPeople(
  engine: Engine,
  actor: string,
  campusDatabase: string,
): Promise<{ people: CampusSubject[]; anonymousId: string }> {
  const people = [...campusSubjects(campusDatabase)];
  const lines = people.map((p) =>
    JSON.stringify({
      id: p.id,
      username: p.username,
      email: p.email,
      fullName: p.fullName,
      kind: p.kind,
      status: p.legacy ? p.status : 'active',
      legacy: p.legacy,
      ...(p.legacy ? { statusChangedAt: p.statusChangedAt } : {}),
    }),
  );
  const result = await importSubjects(engine, actor, lines);
  if (result.errors.length > 0) {
    throw new Error(`The campus subjects did not import: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  const anonymous = campusAnonymousUser(campusDatabase);
  await registerSubject(engine, actor, {
    id: anonymous.id,
    username: anonymous.username,
    email: anonymous.email,
    fullName: anonymous.fullName,
    kind: 'system',
  });
  return { people, anonymousId: anonymous.id };
}
