import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { LetheError } from '../../errors/index.js';
import { registerAuthentication } from '../auth/authenticate.js';
import { RouteRegistry } from '../openapi/route-registry.js';
import { createApi } from '../routes/define-route.js';
import { registerRoutes } from '../routes/index.js';
import { registerApiRateLimit } from './api-rate-limit.js';
import { toErrorEnvelope } from './error-envelope.js';
import { resolveServerOptions, type ServerOptions } from './server-options.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The declared routes (what the OpenAPI document is made of) and every route Fastify actually has. */
    lethe: { registry: RouteRegistry; routes: { method: string; url: string }[] };
  }
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/** A stricter Content-Security-Policy than helmet's default: nothing inline, nothing from elsewhere. */
function cspDirectives(secure: boolean): Record<string, string[] | null> {
  return {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
    upgradeInsecureRequests: secure ? [] : null,
  };
}

/**
 * The HTTP server over an engine, not yet listening: tests use `app.inject()`, `lethe serve` uses startServer.
 * Every route is declared through the route wrapper, so it has zod schemas and appears in the OpenAPI document.
 */
export function createServer(engine: Engine, options: ServerOptions = {}): FastifyInstance {
  const resolved = resolveServerOptions(options, engine.config.server?.rateLimit);
  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    bodyLimit: resolved.bodyLimit,
    trustProxy: resolved.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    frameworkErrors: (error, request, reply) => {
      const envelope = toErrorEnvelope(error, String(request.id));
      const raw = reply as unknown as FastifyReply;
      raw.code(envelope.status).header('x-request-id', String(request.id)).send(envelope.body);
    },
  });
  const registry = new RouteRegistry();
  app.decorate('lethe', { registry, routes: [] });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) app.lethe.routes.push({ method, url: route.url });
  });

  app.register(fastifyCookie);
  app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(resolved.secureCookies) },
    hsts: resolved.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

  app.register(async (instance) => {
    registerAuthentication(instance, engine);
    registerApiRateLimit(instance, resolved.rateLimit);
    instance.addHook('onSend', async (request, reply, payload) => {
      reply.header('x-request-id', String(request.id));
      if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
      return payload;
    });
    instance.setErrorHandler((error, request, reply) => {
      const envelope = toErrorEnvelope(error, String(request.id));
      if (envelope.status >= 500) request.log.error({ err: error }, 'request failed');
      else if (envelope.body.error.details['reason']?.toString().startsWith('sqlstate')) {
        request.log.warn({ err: error }, 'the store refused a value');
      }
      if (envelope.retryAfter !== undefined) reply.header('retry-after', String(envelope.retryAfter));
      return reply.code(envelope.status).send(envelope.body);
    });
    instance.setNotFoundHandler(async (request, reply) => {
      const webRoot = resolved.webRoot;
      if (
        webRoot &&
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        existsSync(join(webRoot, 'index.html'))
      ) {
        return reply.type('text/html').sendFile('index.html', webRoot);
      }
      throw new LetheError(
        'LETHE_E_NOT_FOUND',
        `There is no route ${request.method} ${request.url.split('?')[0]}.`,
        {
          method: request.method,
        },
      );
    });
    const api = createApi(instance, engine, resolved, registry);
    registerRoutes(api);
    if (resolved.webRoot && existsSync(resolved.webRoot)) {
      await instance.register(fastifyStatic, {
        root: resolved.webRoot,
        prefix: '/',
        index: ['index.html'],
        wildcard: true,
      });
    }
  });
  return app;
}
