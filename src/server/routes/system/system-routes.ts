import { sql } from 'kysely';
import { z } from 'zod';
import { LetheError, messageOf } from '../../../errors/index.js';
import { letheVersion } from '../../app/version.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../../openapi/build-document.js';
import { docsPageCsp, renderDocsPage } from '../../openapi/docs-page.js';
import { publicAccess } from '../../roles/access.js';
import { type Api, sent } from '../define-route.js';

/** Health, readiness, the OpenAPI document and the readable API docs. */
export function registerSystemRoutes(api: Api): void {
  let document: OpenApiDocument | undefined;
  const openApi = () => {
    document ??= buildOpenApiDocument(api.registry.list(), letheVersion());
    return document;
  };

  api.route({
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Whether the process is up.',
    tags: ['system'],
    access: publicAccess,
    response: z.object({ status: z.literal('ok'), version: z.string() }),
    handler: async () => ({ status: 'ok' as const, version: letheVersion() }),
  });

  api.route({
    method: 'GET',
    url: '/readyz',
    operationId: 'ready',
    summary: 'Whether the store answers (select 1); 503 LETHE_E_STORE_UNAVAILABLE if not.',
    tags: ['system'],
    access: publicAccess,
    errors: [503],
    response: z.object({ status: z.literal('ready'), store: z.enum(['sqlite', 'postgres']) }),
    handler: async () => {
      try {
        await sql`select 1`.execute(api.engine.db);
      } catch (error) {
        throw new LetheError('LETHE_E_STORE_UNAVAILABLE', `The store does not answer: ${messageOf(error)}`);
      }
      return { status: 'ready' as const, store: api.engine.store.dialect };
    },
  });

  api.route({
    method: 'GET',
    url: '/api/v1/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This API, as an OpenAPI 3.1 document generated from the routes’ schemas.',
    tags: ['system'],
    access: publicAccess,
    response: z.record(z.string(), z.unknown()),
    handler: async () => openApi() as unknown as Record<string, unknown>,
  });

  let page: string | undefined;
  api.route({
    method: 'GET',
    url: '/api/docs',
    operationId: 'apiDocs',
    summary: 'This API, as a readable HTML page.',
    tags: ['system'],
    access: publicAccess,
    produces: 'text/html',
    response: z.string().describe('The HTML page.'),
    handler: async ({ reply }) => {
      page ??= renderDocsPage(openApi());
      reply.header('content-security-policy', docsPageCsp).type('text/html; charset=utf-8').send(page);
      return sent;
    },
  });
}
