import { z } from 'zod';

/**
 * Model management in the contract (issue 5): the catalogue with each model's status, fetching a
 * model or a pack with progress events, verification and removal. Only 'models.fetch' ever opens
 * a network connection, and only when the user asks.
 */
export const ModelStatusSchema = z.enum(['missing', 'present-unverified', 'verified', 'corrupt', 'unpinned']);

export const ModelRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  packs: z.string(),
  status: ModelStatusSchema,
  size: z.string(),
  license: z.string(),
  languages: z.string(),
  location: z.string(),
  message: z.string(),
});
export type ModelRow = z.infer<typeof ModelRowSchema>;

export const FetchRowSchema = z.object({
  id: z.string(),
  file: z.string(),
  outcome: z.enum(['present', 'downloaded', 'failed', 'cancelled']),
  status: ModelStatusSchema,
  detail: z.string(),
});

export const VerifyRowSchema = z.object({
  id: z.string(),
  file: z.string(),
  status: ModelStatusSchema,
  source: z.string(),
  sha256: z.string(),
  detail: z.string(),
});

const ModelId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/iu, 'a model id or pack name');

export const modelMethods = {
  'models.list': { params: z.object({}).strict(), result: z.object({ models: z.array(ModelRowSchema) }) },
  /** Downloads what is missing or corrupt of a model or pack; progress arrives as 'models.progress'. Cancellable. */
  'models.fetch': {
    params: z.object({ target: ModelId }).strict(),
    result: z.object({ ok: z.boolean(), rows: z.array(FetchRowSchema), message: z.string().optional() }),
  },
  'models.verify': {
    params: z.object({ ids: z.array(ModelId).max(100).optional() }).strict(),
    result: z.object({ rows: z.array(VerifyRowSchema) }),
  },
  /** Deletes the user's downloaded copy of a model (bundled and npm-shipped files are never touched). */
  'models.remove': {
    params: z.object({ id: ModelId }).strict(),
    result: z.object({ id: z.string(), removed: z.boolean() }),
  },
} as const;

export const modelEvents = {
  'models.progress': z.object({
    modelId: z.string(),
    file: z.string(),
    fileIndex: z.number().int(),
    fileCount: z.number().int(),
    phase: z.enum(['waiting', 'downloading', 'verifying']),
    received: z.number(),
    total: z.number().nullable(),
    bytesPerSecond: z.number(),
  }),
  /** A model's files changed (fetched, removed): lists should refresh. */
  'models.changed': z.object({ ids: z.array(z.string()) }),
} as const;
