import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { actingRefusal } from '../../engine/accounts/index.js';
import { actingActor, type Engine } from '../../engine/engine.js';
import { LetheError } from '../../errors/index.js';
import type { ResolvedServerOptions } from '../app/server-options.js';
import { checkCsrf } from '../auth/csrf.js';
import { actorOf, isActing, type Principal } from '../auth/principal.js';
import type { DocumentedRoute, HttpMethod, RouteRegistry } from '../openapi/route-registry.js';
import { type Access, authorize } from '../roles/access.js';
import { validatePart } from './validate-input.js';

/** Returned by a handler that has sent the reply itself (a file, CSV, HTML). */
export const sent: unique symbol = Symbol('sent');
export type Sent = typeof sent;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  /** The audit actor: `account:<id>` or `token:<id>`. */
  actor: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: HttpMethod;
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** The success status (200 by default). */
  status?: 200 | 201 | 202 | 204;
  produces?: string;
  alsoProduces?: readonly string[];
  errors?: readonly number[];
  /** Only the login route: it has no session yet to take a CSRF token from. */
  csrfExempt?: boolean;
  /**
   * What a session acting as another account may not do here, as in "you cannot <this> while acting as someone
   * else": such a request is refused with LETHE_E_ACTING_AS (403) before anything else is checked.
   */
  refusedWhileActing?: string;
  handler(ctx: RouteContext<Out<P>, Out<Q>, Out<B>>): Promise<z.input<R> | Sent>;
}

/** What feature modules declare their routes with. */
export interface Api {
  engine: Engine;
  options: ResolvedServerOptions;
  registry: RouteRegistry;
  route<
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    R extends z.ZodType = z.ZodType,
  >(spec: RouteSpec<P, Q, B, R>): void;
}

/** Self-service routes act as the subject (`subject:<id>`), so the engine's own ownership checks apply too. */
function actorFor(principal: Principal, access: Access): string {
  if (access.kind === 'self' && principal.kind === 'session' && principal.account.subjectId !== null) {
    const subject = `subject:${principal.account.subjectId}`;
    // acting as a self-service account: the audit names the account that logged in, and the subject
    return principal.session.acting
      ? actingActor(`account:${principal.session.account.id}`, subject)
      : subject;
  }
  return actorOf(principal);
}

function isEmptyBody(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)
  );
}

/**
 * The one way to add a route: it is registered with Fastify AND recorded for the OpenAPI document, so a route
 * without schemas cannot exist. The order of checks is fixed: authentication (401), authorisation (403), CSRF
 * for cookie sessions (403), input validation (400), then the handler; the JSON result is parsed by the response
 * schema, so nothing undeclared leaks out.
 */
export function createApi(
  app: FastifyInstance,
  engine: Engine,
  options: ResolvedServerOptions,
  registry: RouteRegistry,
): Api {
  return {
    engine,
    options,
    registry,
    route(spec) {
      const documented: DocumentedRoute = {
        method: spec.method,
        url: spec.url,
        operationId: spec.operationId,
        summary: spec.summary,
        tags: spec.tags,
        access: spec.access,
        response: spec.response,
        status: spec.status ?? 200,
        errors: spec.errors ?? [],
        ...(spec.description || spec.refusedWhileActing
          ? {
              description: [
                spec.description,
                spec.refusedWhileActing
                  ? 'Refused while acting as another account (403 LETHE_E_ACTING_AS).'
                  : undefined,
              ]
                .filter(Boolean)
                .join(' '),
            }
          : {}),
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.produces ? { produces: spec.produces } : {}),
        ...(spec.alsoProduces ? { alsoProduces: spec.alsoProduces } : {}),
      };
      registry.add(documented);
      app.route({
        method: spec.method,
        url: spec.url,
        handler: async (request, reply) => {
          const principal = request.principal;
          if (spec.refusedWhileActing !== undefined && isActing(principal)) {
            throw actingRefusal(principal.session, spec.refusedWhileActing);
          }
          authorize(principal, spec.access);
          if (!spec.csrfExempt) checkCsrf(request, principal);
          const params = spec.params ? validatePart('params', spec.params, request.params) : undefined;
          const query = spec.query ? validatePart('query', spec.query, request.query) : undefined;
          if (!spec.query && !isEmptyBody(request.query)) {
            throw new LetheError('LETHE_E_INVALID_INPUT', 'This route takes no query parameters.', {
              in: 'query',
              field: Object.keys(request.query as object)[0],
            });
          }
          let body: unknown;
          if (spec.body) {
            body = validatePart('body', spec.body, request.body);
          } else if (!isEmptyBody(request.body)) {
            throw new LetheError('LETHE_E_INVALID_INPUT', 'This route takes no request body.', {
              in: 'body',
            });
          }
          const result = await spec.handler({
            params: params as never,
            query: query as never,
            body: body as never,
            principal,
            actor: actorFor(principal, spec.access),
            request,
            reply,
          });
          if (result === sent) return reply;
          const status = spec.status ?? 200;
          if (status === 204) return reply.code(204).send();
          return reply.code(status).send(spec.response.parse(result));
        },
      });
    },
  };
}
