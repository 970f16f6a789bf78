import { z } from 'zod';
import { errorEnvelopeSchema } from '../app/error-envelope.js';
import { csrfHeader } from '../auth/csrf.js';
import { sessionCookieName } from '../auth/session-cookie.js';
import type { Access } from '../roles/access.js';
import type { DocumentedRoute } from './route-registry.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, unknown>;
  tags: { name: string }[];
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: {
    name: string;
    in: 'path' | 'query';
    required: boolean;
    schema: JsonSchema;
    description?: string;
  }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  security: Record<string, string[]>[];
  'x-lethe-access': Access;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/api/v1/subjects/:id` -> `/api/v1/subjects/{id}` */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): OpenApiOperation['parameters'] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function security(access: Access): Record<string, string[]>[] {
  switch (access.kind) {
    case 'public':
      return [];
    case 'account':
    case 'self':
      return [{ sessionCookie: [] }];
    default:
      return access.scopes.length > 0
        ? [{ sessionCookie: [] }, { bearerToken: access.scopes as string[] }]
        : [{ sessionCookie: [] }];
  }
}

const errorDescriptions: Record<number, string> = {
  400: 'Bad input: the code and the field are in the error envelope.',
  401: 'Not logged in, and no valid API token.',
  403: 'A capability or scope is missing, or the CSRF token is wrong.',
  404: 'No such resource.',
  409: 'The request conflicts with the current state.',
  410: 'Gone: the export package expired or was deleted.',
  413: 'The request body is too large.',
  415: 'The request body must be JSON.',
  429: 'Too many requests, or locked out.',
  503: 'The store is not reachable.',
};

function operation(route: DocumentedRoute): OpenApiOperation {
  const errors = new Set<number>(route.errors);
  if (route.params || route.query || route.body) errors.add(400);
  if (route.access.kind !== 'public') {
    errors.add(401);
    errors.add(403);
  }
  if (route.params) errors.add(404);
  // the API rate limit (server.rateLimit) applies to every /api/v1 route
  if (route.url.startsWith('/api/v1/')) errors.add(429);
  if (route.body) {
    errors.add(413);
    errors.add(415);
  }
  const success =
    route.status === 204
      ? { description: 'Done; no content.' }
      : route.produces
        ? {
            description: route.response.description ?? 'The file.',
            content: { [route.produces]: { schema: { type: 'string', format: 'binary' } } },
          }
        : {
            description: 'Success.',
            content: {
              'application/json': { schema: jsonSchema(route.response, 'output') },
              ...Object.fromEntries(
                (route.alsoProduces ?? []).map((type) => [
                  type,
                  { schema: { type: 'string', format: 'binary' } },
                ]),
              ),
            },
          };
  const responses: Record<string, unknown> = { [String(route.status)]: success };
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: errorDescriptions[status] ?? 'An error.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
    security: security(route.access),
    'x-lethe-access': route.access,
  };
}

/** The OpenAPI 3.1 document, generated from the routes' zod schemas. */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
    for (const tag of route.tags) tags.add(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lethe API',
      version,
      description:
        'User data management for the GDPR: export, anonymise and purge personal data. ' +
        `Log in with POST /api/v1/session (a ${sessionCookieName} cookie; send the returned csrfToken in the ` +
        `${csrfHeader} header with every POST, PUT, PATCH and DELETE), or send an API token as ` +
        '"Authorization: Bearer lethe_...". Errors are {"error": {"code", "message", "details"}}. ' +
        'Each client (a session, an API token, else an address) may make a limited number of requests per ' +
        'window (RateLimit-* headers); beyond it the answer is 429 LETHE_E_RATE_LIMITED with Retry-After.',
    },
    paths,
    components: {
      schemas: { ErrorEnvelope: jsonSchema(errorEnvelopeSchema, 'output') },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookieName },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token; its scopes are listed per route.',
        },
      },
    },
    tags: [...tags].map((name) => ({ name })),
  };
}
