import { z } from 'zod';
import { subjectStatuses } from '../../../items/index.js';

/** Table and column names: plain SQL identifiers only, so that nothing in a dataset file can smuggle SQL. */
export const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const identifierSource = '[A-Za-z_][A-Za-z0-9_]*';
/** One hop of a path: `column -> table` (join on the foreign key) or `column -> table.column`. */
export const hopPattern = new RegExp(
  `^\\s*(${identifierSource})\\s*->\\s*(${identifierSource})(?:\\.(${identifierSource}))?\\s*$`,
);

const identifier = z
  .string()
  .regex(identifierPattern, {
    error: 'must be a plain SQL identifier: letters, digits and "_", not starting with a digit',
  })
  .meta({ description: 'A table or column name, as the database spells it.' });

const nameKey = z.string().regex(/^[a-z][a-z0-9_-]*$/, {
  error: 'must be lower-case letters, digits, "_" or "-", starting with a letter',
});

const statuses = z
  .array(z.enum(subjectStatuses))
  .min(1)
  .meta({ description: 'The subject statuses under which this mode is allowed.' });

const columnLink = z
  .object({
    column: identifier.meta({ description: "A column of the item's table that holds the subject id." }),
  })
  .strict();

const pathLink = z
  .object({
    path: z.array(z.string()).min(2).meta({
      description:
        'Foreign-key hops from the item\'s table, each "column -> table" or "column -> table.column", then the column of the last table that holds the subject id.',
    }),
  })
  .strict();

const textLink = z
  .object({
    text: identifier.meta({
      description: "A text column of the item's table that mentions the subject's email.",
    }),
    match: z.enum(['equals', 'contains']).optional().meta({
      description: 'equals (default): the whole value is the email; contains: the email as a whole word.',
    }),
  })
  .strict();

const link = z.union([identifier, columnLink, pathLink, textLink]);

const strategy = z
  .union([
    z.null(),
    z.enum(['null', 'blank', 'hash', 'anonymous-user', 'keep'], {
      error: 'expected null, blank, hash, anonymous-user, keep or { fixed: VALUE }',
    }),
    z
      .object({ fixed: z.union([z.string(), z.number(), z.boolean()]) })
      .strict()
      .meta({ description: 'Replace the value with this one.' }),
  ])
  .meta({
    description:
      'null, blank (empty text), hash (HMAC-SHA256 with the configured key), anonymous-user (a column that refers to a subject), keep, or { fixed: VALUE }.',
  });

const files = z
  .object({
    path: identifier
      .optional()
      .meta({ description: 'A column holding a file path, relative to root (wins when set).' }),
    blob: identifier.optional().meta({ description: 'A column holding the file content.' }),
    name: identifier.optional().meta({ description: "A column holding the file's name (for blobs)." }),
    root: z.string().min(1).optional().meta({ description: 'The folder that path is relative to.' }),
  })
  .strict();

const whereValue = z.union([z.string(), z.number(), z.boolean()]);

export const itemSchema = z
  .object({
    title: z.string().min(1).optional(),
    help: z.string().optional(),
    table: identifier,
    key: z
      .union([identifier, z.array(identifier).min(1)])
      .optional()
      .meta({ description: "The columns that identify a row; the table's primary key by default." }),
    via: z
      .union([link, z.array(link).min(1)])
      .meta({ description: 'How rows lead to a subject: one link, or several (a row belongs to each).' }),
    export: z
      .union([z.enum(['all', 'none']), z.array(identifier).min(1)])
      .optional()
      .meta({ description: 'The columns to export: all (default), none, or a list.' }),
    anonymise: z
      .object({
        statuses: statuses.optional(),
        columns: z.record(identifier, strategy),
      })
      .strict()
      .optional(),
    delete: z
      .union([z.boolean(), z.object({ statuses: statuses.optional() }).strict()])
      .optional()
      .meta({ description: 'Whether rows may be deleted, and under which statuses (default: deleted).' }),
    files: files.optional(),
    where: z
      .record(identifier, z.union([whereValue, z.array(whereValue).min(1)]))
      .optional()
      .meta({
        description:
          "Only rows whose column equals the value (or one of the values): the item's own columns.",
      }),
  })
  .strict();

const componentSchema = z
  .object({
    group: z.string().min(1).optional().meta({ description: 'The group label, such as "Activity: Forum".' }),
    items: z.record(nameKey, itemSchema),
  })
  .strict();

const subjectsSchema = z
  .object({
    table: identifier,
    id: identifier.meta({ description: 'The column holding the subject id.' }),
    username: identifier.optional(),
    email: identifier.optional(),
    fullName: z.union([identifier, z.array(identifier).min(1)]).optional(),
    status: z
      .union([
        identifier,
        z.object({ column: identifier, map: z.record(z.string(), z.enum(subjectStatuses)) }).strict(),
      ])
      .optional(),
    kind: identifier.optional(),
  })
  .strict();

/** The dataset file, as written (YAML). `docs/dataset.schema.json` is generated from this. */
export const datasetFileSchema = z
  .object({
    version: z.literal(1).optional(),
    database: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: `sqlite:PATH, postgres://USER@HOST/DB or mysql://USER@HOST/DB; ${'$'}{VAR} reads the environment.`,
      }),
    files: z
      .object({ root: z.string().min(1) })
      .strict()
      .optional(),
    subjects: subjectsSchema,
    components: z.record(nameKey, componentSchema),
    ignore: z
      .record(
        z.string().regex(new RegExp(`^${identifierSource}(\\.${identifierSource})?$`), {
          error: 'must be "table" or "table.column"',
        }),
        z.string().min(1),
      )
      .optional()
      .meta({ description: 'Tables or columns that are not personal data, each with the reason.' }),
  })
  .strict()
  .meta({ title: 'Lethe dataset file' });

export type DatasetFile = z.output<typeof datasetFileSchema>;
export type DatasetFileItem = z.output<typeof itemSchema>;

/** The JSON Schema for editors, generated from the zod schema (`docs/dataset.schema.json`). */
export function datasetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(datasetFileSchema, { io: 'input' }) as Record<string, unknown>;
}
