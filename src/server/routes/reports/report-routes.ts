import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  dashboardReport,
  deletedSubjectsReport,
  exportsReport,
  openReportStream,
  purgesReport,
  type ReportKind,
  type ReportQuery,
  reportFormats,
} from '../../../engine/reports/index.js';
import { requestKinds, requestOrigins, requestStatuses } from '../../../engine/requests/index.js';
import { staff } from '../../roles/access.js';
import { queryInt } from '../common-schemas.js';
import { type Api, sent } from '../define-route.js';

const value = z.string().max(255);
const list = z.union([value, z.array(value).max(20)]);

const common = {
  status: list.optional(),
  type: value.optional(),
  subject: value.optional(),
  kind: value.optional(),
  from: value.optional(),
  to: value.optional(),
  sort: value.optional(),
  limit: value.optional(),
  offset: value.optional(),
  /** `json` (a page, the default), or every matching row as `csv` or `jsonl`. */
  format: z.enum(['json', ...reportFormats]).optional(),
};

const queries = {
  exports: z.strictObject({ ...common, origin: value.optional() }),
  purges: z.strictObject({ ...common, origin: value.optional(), dryRun: value.optional() }),
  deleted: z.strictObject({ ...common, legacy: value.optional() }),
};

const requestRow = {
  id: z.number().int(),
  subjectId: z.string(),
  username: z.string().nullable(),
  fullName: z.string().nullable(),
  email: z.string().nullable(),
  subjectKind: z.string().nullable(),
  origin: z.string(),
  status: z.string(),
  typeId: z.number().int().nullable(),
  typeIdnumber: z.string().nullable(),
  typeName: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
};

const rows = {
  exports: z.object({
    ...requestRow,
    fileSize: z.number().nullable(),
    fileSha256: z.string().nullable(),
    expiresAt: z.string().nullable(),
    available: z.boolean(),
  }),
  purges: z.object({
    ...requestRow,
    dryRun: z.boolean(),
    items: z.array(
      z.object({
        key: z.string(),
        mode: z.string(),
        status: z.string(),
        count: z.number(),
        message: z.string().nullable(),
      }),
    ),
  }),
  deleted: z.object({
    subjectId: z.string(),
    username: z.string(),
    fullName: z.string(),
    email: z.string(),
    kind: z.string(),
    legacy: z.boolean(),
    deletedAt: z.string(),
    typeId: z.number().int().nullable(),
    typeIdnumber: z.string().nullable(),
    typeName: z.string().nullable(),
    typeSource: z.enum(['subject', 'default']).nullable(),
    purged: z.boolean(),
    lastPurgeRequestId: z.number().int().nullable(),
    lastPurgedAt: z.string().nullable(),
    lastPurgeTypeIdnumber: z.string().nullable(),
    openPurgeRequestId: z.number().int().nullable(),
  }),
};

const pages = {
  exports: (query: ReportQuery, engine: Api['engine']) => exportsReport(engine, query),
  purges: (query: ReportQuery, engine: Api['engine']) => purgesReport(engine, query),
  deleted: (query: ReportQuery, engine: Api['engine']) => deletedSubjectsReport(engine, query),
};

const summaries: Record<ReportKind, string> = {
  exports:
    'The exports report: filter by status, type, origin, subject, kind and dates; sort; page; or CSV / JSON lines.',
  purges:
    'The purges report, with every item’s result: filter, sort, page; or CSV (one line per item) / JSON lines.',
  deleted:
    'Deleted subjects, their purge type and whether they were purged (legacy ones marked); or CSV / JSON lines.',
};

const dashboardSchema = z.object({
  days: z.number().int(),
  since: z.string(),
  series: z.array(
    z.object({
      date: z.string(),
      kind: z.enum(requestKinds),
      status: z.enum(requestStatuses),
      count: z.number().int(),
    }),
  ),
  openTotal: z.number().int(),
  openRequests: z.array(
    z.object({
      id: z.number().int(),
      kind: z.enum(requestKinds),
      subjectId: z.string(),
      subjectName: z.string().nullable(),
      origin: z.enum(requestOrigins),
      status: z.enum(requestStatuses),
      typeIdnumber: z.string().nullable(),
      dryRun: z.boolean(),
      createdAt: z.string(),
      startedAt: z.string().nullable(),
      ageSeconds: z.number().int(),
    }),
  ),
  failedItems: z.array(
    z.object({
      requestId: z.number().int(),
      subjectId: z.string(),
      kind: z.enum(requestKinds),
      itemKey: z.string(),
      mode: z.string(),
      status: z.string(),
      message: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
  duePurges: z.object({
    total: z.number().int(),
    subjects: z.array(
      z.object({
        subjectId: z.string(),
        fullName: z.string(),
        status: z.string(),
        purgeType: z.string(),
        purgeTypeId: z.number().int(),
        since: z.string(),
      }),
    ),
  }),
});

/** The three reports: a JSON page, or every row streamed as CSV or JSON lines; and the dashboard. */
export function registerReportRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/reports/dashboard',
    operationId: 'dashboardReport',
    summary:
      'The dashboard: requests per day, kind and status over the last `days` days (1 to 365, 30 by default), open requests and their age, failed items, and the subjects due an automatic purge.',
    description:
      'Days are UTC days. Open requests (pending or running) are the oldest 50, with openTotal counting them all; failed items are the latest 50 with status error or timed-out among the period’s requests; duePurges uses the automatic scan’s rule without enqueuing anything.',
    tags: ['reports'],
    access: staff('userdata:viewreports', 'reports:read'),
    query: z.strictObject({ days: queryInt(1, 365).optional() }),
    response: dashboardSchema,
    handler: async ({ query }) =>
      dashboardReport(api.engine, query.days === undefined ? {} : { days: query.days }),
  });

  for (const kind of ['exports', 'purges', 'deleted'] as const) {
    api.route({
      method: 'GET',
      url: `/api/v1/reports/${kind}`,
      operationId: `${kind}Report`,
      summary: summaries[kind],
      description:
        'With format=csv or format=jsonl the whole report is streamed (limit and offset are ignored).',
      tags: ['reports'],
      access: staff('userdata:viewreports', 'reports:read'),
      alsoProduces: ['text/csv', 'application/jsonl'],
      query: queries[kind],
      response: z.object({ total: z.number().int(), rows: z.array(rows[kind]) }),
      handler: async ({ query, reply }) => {
        const { format, ...filters } = query;
        if (format === 'csv' || format === 'jsonl') {
          const chunks = await openReportStream(api.engine, kind, filters, format);
          reply
            .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8')
            .header('content-disposition', `attachment; filename="${kind}-report.${format}"`);
          reply.send(Readable.from(chunks));
          return sent;
        }
        return pages[kind](filters, api.engine);
      },
    });
  }
}
