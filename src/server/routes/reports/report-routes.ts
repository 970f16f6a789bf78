import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  deletedSubjectsReport,
  exportsReport,
  openReportStream,
  purgesReport,
  type ReportKind,
  type ReportQuery,
  reportFormats,
} from '../../../engine/reports/index.js';
import { staff } from '../../roles/access.js';
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

/** The three reports: a JSON page, or every row streamed as CSV or JSON lines. */
export function registerReportRoutes(api: Api): void {
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
