import { randomBytes } from 'node:crypto';
import { LetheError } from '../../errors/index.js';
import { type ApiTokensTable, isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { type CreateApiTokenInput, createApiTokenSchema, parseAccountInput } from './account-input.js';
import { type ApiScope, isApiScope } from './capabilities.js';
import { sha256 } from './sessions.js';

/** A host application's key to the API. Its secret is shown once, when it is created, and stored hashed. */
export interface ApiToken {
  id: number;
  name: string;
  /** The first characters of the secret, to recognise it. */
  prefix: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Not revoked and not expired. */
  active: boolean;
}

const secretPrefix = 'lethe_';

function toApiToken(row: Omit<ApiTokensTable, 'id'> & { id: number }, now = isoNow()): ApiToken {
  let scopes: ApiScope[] = [];
  try {
    const parsed: unknown = JSON.parse(row.scopes);
    if (Array.isArray(parsed))
      scopes = parsed.filter((s): s is ApiScope => typeof s === 'string' && isApiScope(s));
  } catch {
    scopes = [];
  }
  return {
    id: Number(row.id),
    name: row.name,
    prefix: row.prefix,
    scopes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    active: row.revoked_at === null && (row.expires_at === null || row.expires_at > now),
  };
}

/**
 * Creates a token with scopes and an optional expiry. The returned `secret` is the only time it is seen: the
 * store keeps its sha256. LETHE_E_INVALID_INPUT for an unknown scope or an expiry in the past.
 */
export async function createApiToken(
  engine: Engine,
  actor: Actor,
  input: CreateApiTokenInput,
): Promise<{ token: ApiToken; secret: string }> {
  const values = parseAccountInput(createApiTokenSchema, input, 'The API token');
  const now = isoNow();
  if (values.expiresAt !== undefined && values.expiresAt <= now) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'The API token: expiresAt: must be in the future', {
      field: 'expiresAt',
    });
  }
  const secret = `${secretPrefix}${randomBytes(32).toString('base64url')}`;
  const scopes = [...new Set(values.scopes)].sort();
  const row = {
    name: values.name,
    prefix: secret.slice(0, secretPrefix.length + 6),
    token_hash: sha256(secret),
    scopes: JSON.stringify(scopes),
    created_by: actor,
    created_at: now,
    expires_at: values.expiresAt ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  const id = await engine.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('api_tokens').values(row).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'api-token.create',
      targetType: 'api-token',
      targetId: String(inserted.id),
      details: { name: values.name, scopes, expiresAt: row.expires_at },
    });
    return Number(inserted.id);
  });
  return { token: toApiToken({ ...row, id }, now), secret };
}

export async function listApiTokens(engine: Engine): Promise<ApiToken[]> {
  const rows = await engine.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  const now = isoNow();
  return rows.map((r) => toApiToken(r, now));
}

/** A token by id; LETHE_E_TOKEN_UNKNOWN if there is none. */
export async function getApiToken(engine: Engine, id: number): Promise<ApiToken> {
  const row = await engine.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new LetheError('LETHE_E_TOKEN_UNKNOWN', `There is no API token ${id}.`, { token: id });
  return toApiToken(row);
}

/** Revokes a token at once. Revoking a revoked token changes nothing. */
export async function revokeApiToken(engine: Engine, actor: Actor, id: number): Promise<ApiToken> {
  await engine.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new LetheError('LETHE_E_TOKEN_UNKNOWN', `There is no API token ${id}.`, { token: id });
    if (row.revoked_at !== null) return;
    await trx.updateTable('api_tokens').set({ revoked_at: isoNow() }).where('id', '=', id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'api-token.revoke',
      targetType: 'api-token',
      targetId: String(id),
    });
  });
  return getApiToken(engine, id);
}

/** The active token for a secret (from `Authorization: Bearer`), or undefined if unknown, revoked or expired. */
export async function resolveApiToken(engine: Engine, secret: string): Promise<ApiToken | undefined> {
  if (!secret.startsWith(secretPrefix) || secret.length > 200) return undefined;
  const row = await engine.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(secret))
    .executeTakeFirst();
  if (!row) return undefined;
  const now = isoNow();
  const token = toApiToken(row, now);
  if (!token.active) return undefined;
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
    await engine.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
  }
  return token;
}
