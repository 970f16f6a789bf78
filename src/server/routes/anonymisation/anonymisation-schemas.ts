import { z } from 'zod';
import { eraseModes } from '../../../items/index.js';
import { subjectSchema } from '../subjects/subject-schemas.js';

const modeState = z.object({ allowed: z.boolean(), reason: z.string().optional() });

export const personalDataSummarySchema = z.object({
  subject: subjectSchema,
  components: z.array(
    z.object({
      component: z.string(),
      group: z.string(),
      total: z.number(),
      items: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          title: z.string(),
          count: z.number().nullable(),
          error: z.string().optional(),
          modes: z.partialRecord(z.enum(eraseModes), modeState),
          done: z
            .object({ mode: z.enum(eraseModes), at: z.string(), requestId: z.number().int() })
            .nullable(),
          state: z.enum(['pending', 'done', 'empty', 'error', 'unknown']),
        }),
      ),
    }),
  ),
  total: z.number(),
  errors: z.number().int(),
});

export const mentionsSchema = z.object({
  subject: subjectSchema,
  terms: z.array(z.string()),
  hits: z.array(z.object({ item: z.string(), recordId: z.string(), field: z.string(), excerpt: z.string() })),
  total: z.number().int(),
  byItem: z.record(z.string(), z.number().int()),
  errors: z.array(z.object({ item: z.string(), message: z.string() })),
  redacted: z.record(z.string(), z.number().int()).optional(),
  notRedacted: z.array(z.string()).optional(),
});
