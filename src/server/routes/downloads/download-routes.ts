import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { actingRefusal } from '../../../engine/accounts/index.js';
import { recordAudit } from '../../../engine/audit/index.js';
import { recordDownload } from '../../../engine/requests/index.js';
import { LetheError } from '../../../errors/index.js';
import { actorOf, isActing, type Principal } from '../../auth/principal.js';
import { holds } from '../../roles/access.js';
import { type Api, sent } from '../define-route.js';

const noSuchDownload = () => new LetheError('LETHE_E_NOT_FOUND', 'There is no such download.');

/** The actor a download is recorded under, or undefined if this principal may not download the subject's export. */
function downloader(principal: Principal, subjectId: string): string | undefined {
  if (principal.kind === 'session') {
    if (
      principal.account.subjectId === subjectId &&
      principal.account.capabilities.includes('userdata:exportself')
    ) {
      return `subject:${subjectId}`;
    }
    if (principal.account.capabilities.includes('userdata:exportother'))
      return `account:${principal.account.id}`;
    return undefined;
  }
  if (principal.kind === 'token' && holds(principal, 'userdata:exportother', 'exports:read')) {
    return `token:${principal.token.id}`;
  }
  return undefined;
}

/** Audits a download refused because the session acts as another account, then refuses it (LETHE_E_ACTING_AS). */
async function refuseWhileActing(
  api: Api,
  principal: Extract<Principal, { kind: 'session' }>,
  request: { id: number; subjectId: string } | undefined,
): Promise<never> {
  await api.engine.db.transaction().execute((trx) =>
    recordAudit(trx, api.engine.store.dialect, {
      actor: actorOf(principal),
      action: 'export.download-refused',
      targetType: 'request',
      targetId: request ? String(request.id) : 'unknown',
      details: { reason: 'acting-as', ...(request ? { subject: request.subjectId } : {}) },
    }),
  );
  throw actingRefusal(principal.session, 'download export packages');
}

/** Export package downloads, by their unguessable link. */
export function registerDownloadRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/downloads/:token',
    operationId: 'download',
    summary:
      'Download an export package (ZIP). Only its owner, userdata:exportother, or a token with exports:read.',
    description:
      'Each download is audited. Another subject’s link, a wrong link and a deleted package all look the same (404); ' +
      'a package past its expiry is 410 LETHE_E_EXPORT_UNAVAILABLE. A session acting as another account never ' +
      'downloads, not even that account’s own package (403 LETHE_E_ACTING_AS, audited as export.download-refused).',
    tags: ['self-service'],
    access: { kind: 'owner-or', capabilities: ['userdata:exportother'], scopes: ['exports:read'] },
    errors: [410],
    params: z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'is not a download token') }),
    produces: 'application/zip',
    response: z.string().describe('The export package, a ZIP file.'),
    handler: async ({ params, principal, reply }) => {
      const row = await api.engine.db
        .selectFrom('requests')
        .select(['id', 'subject_id'])
        .where('download_token', '=', params.token)
        .where('kind', '=', 'export')
        .executeTakeFirst();
      if (isActing(principal)) {
        // never while acting as someone else, even their own package: a person's data goes to that person
        await refuseWhileActing(
          api,
          principal,
          row ? { id: Number(row.id), subjectId: row.subject_id } : undefined,
        );
      }
      if (!row) throw noSuchDownload();
      const actor = downloader(principal, row.subject_id);
      if (!actor) throw noSuchDownload();
      const info = await recordDownload(api.engine, actor, Number(row.id), { token: params.token });
      const size = await stat(info.path).then(
        (s) => s.size,
        () => {
          throw new LetheError('LETHE_E_EXPORT_UNAVAILABLE', 'The export package file is gone.', {
            id: info.requestId,
          });
        },
      );
      reply
        .type('application/zip')
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename="${info.fileName}"`)
        .header('x-content-sha256', info.sha256)
        .header('cache-control', 'no-store');
      reply.send(createReadStream(info.path));
      return sent;
    },
  });
}
