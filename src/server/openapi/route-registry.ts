import type { z } from 'zod';
import type { Access } from '../roles/access.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the OpenAPI document knows of a route: everything it was declared with but its handler. */
export interface DocumentedRoute {
  method: HttpMethod;
  /** Fastify syntax: `/api/v1/subjects/:id`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success response's schema (for JSON), or the body's description for `produces` routes. */
  response: z.ZodType;
  status: number;
  /** The media type of a non-JSON success response (a ZIP, CSV, HTML). */
  produces?: string;
  /** Other media types the success response may have (a report as CSV), besides JSON. */
  alsoProduces?: readonly string[];
  /** Error statuses the route may answer besides the ones its access implies. */
  errors: readonly number[];
}

/** Every route the app has declared, in declaration order. */
export class RouteRegistry {
  readonly #routes: DocumentedRoute[] = [];

  add(route: DocumentedRoute): void {
    if (this.#routes.some((r) => r.operationId === route.operationId)) {
      throw new Error(`Two routes have the operationId ${route.operationId}.`);
    }
    this.#routes.push(route);
  }

  list(): readonly DocumentedRoute[] {
    return this.#routes;
  }
}
