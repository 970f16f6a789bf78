import { z } from 'zod';
import {
  createExportType,
  createPurgeType,
  deleteExportType,
  deletePurgeType,
  duplicateExportType,
  duplicatePurgeType,
  getExportType,
  getPurgeType,
  itemsForStatus,
  listExportTypes,
  listPurgeTypes,
  reapplyPurgeType,
  typesWithNewItems,
  updateExportType,
  updatePurgeType,
} from '../../../engine/types/index.js';
import { eraseModes, subjectStatuses } from '../../../items/index.js';
import { configReaders, staff } from '../../roles/access.js';
import { noContent } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import {
  duplicateBody,
  exportTypeCreateBody,
  exportTypePatchBody,
  exportTypeSchema,
  itemAvailabilitySchema,
  newItemsSchema,
  purgeTypeCreateBody,
  purgeTypePatchBody,
  purgeTypeSchema,
  typeRefParams,
} from './type-schemas.js';

const read = staff(configReaders, 'config:read');
const write = staff('userdata:config', 'config:write');

/** Export types and purge types: create, edit, duplicate, delete, list; reapply; new items. */
export function registerTypeRoutes(api: Api): void {
  const e = api.engine;

  api.route({
    method: 'GET',
    url: '/api/v1/export-types',
    operationId: 'listExportTypes',
    summary: 'Every export type: the initial one first, then by name.',
    tags: ['export types'],
    access: read,
    response: z.object({ exportTypes: z.array(exportTypeSchema) }),
    handler: async () => ({ exportTypes: await listExportTypes(e) }),
  });
  api.route({
    method: 'POST',
    url: '/api/v1/export-types',
    operationId: 'createExportType',
    summary: 'Create an export type.',
    tags: ['export types'],
    access: write,
    status: 201,
    errors: [409],
    body: exportTypeCreateBody,
    response: exportTypeSchema,
    handler: async ({ body, actor }) => createExportType(e, actor, body),
  });
  api.route({
    method: 'GET',
    url: '/api/v1/export-types/:ref',
    operationId: 'getExportType',
    summary: 'One export type, by id or idnumber.',
    tags: ['export types'],
    access: read,
    params: typeRefParams,
    response: exportTypeSchema,
    handler: async ({ params }) => getExportType(e, params.ref),
  });
  api.route({
    method: 'PATCH',
    url: '/api/v1/export-types/:ref',
    operationId: 'updateExportType',
    summary: 'Edit an export type; saving it (even with {}) takes in its new items.',
    tags: ['export types'],
    access: write,
    errors: [409],
    params: typeRefParams,
    body: exportTypePatchBody,
    response: exportTypeSchema,
    handler: async ({ params, body, actor }) => updateExportType(e, actor, params.ref, body),
  });
  api.route({
    method: 'DELETE',
    url: '/api/v1/export-types/:ref',
    operationId: 'deleteExportType',
    summary: 'Delete an export type (not the initial one).',
    tags: ['export types'],
    access: write,
    errors: [409],
    status: 204,
    params: typeRefParams,
    response: noContent,
    handler: async ({ params, actor }) => {
      await deleteExportType(e, actor, params.ref);
      return null;
    },
  });
  api.route({
    method: 'POST',
    url: '/api/v1/export-types/:ref/duplicate',
    operationId: 'duplicateExportType',
    summary: 'Copy an export type.',
    tags: ['export types'],
    access: write,
    status: 201,
    errors: [409],
    params: typeRefParams,
    body: duplicateBody,
    response: exportTypeSchema,
    handler: async ({ params, body, actor }) => duplicateExportType(e, actor, params.ref, body),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/purge-types',
    operationId: 'listPurgeTypes',
    summary: 'Every purge type (or those for one status), by name, with where each is in use.',
    tags: ['purge types'],
    access: read,
    query: z.strictObject({ status: z.enum(subjectStatuses).optional() }),
    response: z.object({ purgeTypes: z.array(purgeTypeSchema) }),
    handler: async ({ query }) => ({ purgeTypes: await listPurgeTypes(e, query) }),
  });
  api.route({
    method: 'POST',
    url: '/api/v1/purge-types',
    operationId: 'createPurgeType',
    summary: 'Create a purge type; an item or mode its status does not allow is refused, naming the item.',
    tags: ['purge types'],
    access: write,
    status: 201,
    errors: [409],
    body: purgeTypeCreateBody,
    response: purgeTypeSchema,
    handler: async ({ body, actor }) => createPurgeType(e, actor, body),
  });
  api.route({
    method: 'GET',
    url: '/api/v1/purge-types/:ref',
    operationId: 'getPurgeType',
    summary: 'One purge type, by id or idnumber.',
    tags: ['purge types'],
    access: read,
    params: typeRefParams,
    response: purgeTypeSchema,
    handler: async ({ params }) => getPurgeType(e, params.ref),
  });
  api.route({
    method: 'PATCH',
    url: '/api/v1/purge-types/:ref',
    operationId: 'updatePurgeType',
    summary: 'Edit a purge type (its status is fixed); saving it takes in its new items.',
    tags: ['purge types'],
    access: write,
    errors: [409],
    params: typeRefParams,
    body: purgeTypePatchBody,
    response: purgeTypeSchema,
    handler: async ({ params, body, actor }) => updatePurgeType(e, actor, params.ref, body),
  });
  api.route({
    method: 'DELETE',
    url: '/api/v1/purge-types/:ref',
    operationId: 'deletePurgeType',
    summary: 'Delete a purge type that is not in use and not a default.',
    tags: ['purge types'],
    access: write,
    errors: [409],
    status: 204,
    params: typeRefParams,
    response: noContent,
    handler: async ({ params, actor }) => {
      await deletePurgeType(e, actor, params.ref);
      return null;
    },
  });
  api.route({
    method: 'POST',
    url: '/api/v1/purge-types/:ref/duplicate',
    operationId: 'duplicatePurgeType',
    summary: 'Copy a purge type.',
    tags: ['purge types'],
    access: write,
    status: 201,
    errors: [409],
    params: typeRefParams,
    body: duplicateBody,
    response: purgeTypeSchema,
    handler: async ({ params, body, actor }) => duplicatePurgeType(e, actor, params.ref, body),
  });
  api.route({
    method: 'POST',
    url: '/api/v1/purge-types/:ref/reapply',
    operationId: 'reapplyPurgeType',
    summary: 'Reapply: subjects this type has already purged become due again.',
    tags: ['purge types'],
    access: write,
    params: typeRefParams,
    response: purgeTypeSchema,
    handler: async ({ params, actor }) => reapplyPurgeType(e, actor, params.ref),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/types/new-items',
    operationId: 'typesWithNewItems',
    summary: 'The export and purge types that have new items (ignored until the type is saved again).',
    tags: ['purge types'],
    access: read,
    response: newItemsSchema,
    handler: async () => typesWithNewItems(e),
  });
  api.route({
    method: 'GET',
    url: '/api/v1/items/for-status',
    operationId: 'itemsForStatus',
    summary: 'For the purge type editor: each item and mode, allowed for a status or not, and why not.',
    tags: ['items'],
    access: read,
    query: z.strictObject({ status: z.enum(subjectStatuses), mode: z.enum(eraseModes).optional() }),
    response: z.object({ items: z.array(itemAvailabilitySchema) }),
    handler: async ({ query }) => ({ items: itemsForStatus(e, query.status, query.mode) }),
  });
}
