import { z } from 'zod';

const itemSource = z.union([
  z
    .object({
      /** A module whose `createItems(options)` returns the items (code items). */
      module: z.string().min(1),
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
  z
    .object({
      /** A dataset file describing a host database. */
      dataset: z.string().min(1),
      /** Overrides the database URL named in the dataset file. */
      database: z.string().min(1).optional(),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    store: z.string().min(1).default('sqlite:.lethe/lethe.db'),
    files: z.string().min(1).default('.lethe/files'),
    items: z.array(itemSource).default([]),
    /** The key for `hash` anonymisation (HMAC-SHA256). */
    hashKey: z.string().min(16).optional(),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        secure: z.boolean().default(false),
        user: z.string().optional(),
        pass: z.string().optional(),
        from: z.string().min(3),
        /** How many times a message is tried before it is marked failed (the first send counts). */
        maxAttempts: z.number().int().min(1).max(50).default(5),
        /** Seconds before the first retry; each later retry waits twice as long as the one before, at most a day. */
        retrySeconds: z.number().positive().max(86_400).default(300),
      })
      .strict()
      .optional(),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** How many HTTP processes `lethe serve` runs on this machine, sharing the port (`--processes`). */
        processes: z.number().int().min(1).max(64).default(1),
        /**
         * The API rate limit: at most `max` requests to /api/v1 per client (a session, an API token, else an
         * address) in each window of `windowSeconds`; more get 429 LETHE_E_RATE_LIMITED with Retry-After.
         */
        rateLimit: z
          .object({
            enabled: z.boolean().default(true),
            max: z.number().int().min(1).max(1_000_000).default(1200),
            windowSeconds: z.number().int().min(1).max(86_400).default(60),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        /** Seconds between automatic purge scans. */
        purgeScanInterval: z.number().positive().default(3600),
        /** Seconds between export-expiry clean-ups and timed-out sweeps. */
        maintenanceInterval: z.number().positive().default(300),
        itemTimeLimitMs: z.number().int().positive().default(300_000),
        maxAttempts: z.number().int().min(1).max(100).default(3),
        /**
         * Seconds a request given back after a failed attempt (the worker's side failed: the store, the files folder)
         * waits before it may be claimed again: this × 2^(attempts used − 1), at most an hour. 0: no pause.
         */
        retryDelaySeconds: z.number().min(0).default(30),
        leaseSeconds: z.number().positive().default(60),
        /**
         * How many subjects an automatic purge erases in one set-based batch: each item runs once for all of them,
         * in one transaction on the host (items split their statements into id lists of their own size).
         */
        batchSize: z.number().int().min(1).max(10_000).default(2000),
        pollMs: z.number().int().positive().default(1000),
        /**
         * The CPU priority a `lethe worker` process lowers itself to, as a Unix niceness (0 normal, 19 lowest): on a
         * machine that also runs `lethe serve`, 10 makes purges and exports yield the CPU to the API. A worker only
         * ever lowers its priority; `serve`'s own worker keeps the server's.
         */
        niceness: z.number().int().min(0).max(19).default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigValues = z.output<typeof configSchema>;
export type ItemSourceConfig = ConfigValues['items'][number];
