import { z } from 'zod';
import { archiveMethods } from './archive';
import { mediaMethods } from './media';
import { modelMethods } from './models';
import { recordingMethods } from './recording';
import { reviewMethods } from './review';
import { transcribeMethods } from './transcribe';
import { voiceMethods } from './voices';
import { systemMethods } from './system';
import { SettingsPatchSchema, SettingsSchema } from './settings';

/**
 * The request half of the renderer <-> backend contract. Each method has a params schema and a
 * result schema; TypeScript types are derived from them, and the backend validates every
 * incoming params object against its schema before a handler runs. Later features add their
 * methods here in the same style ("area.verb").
 */
const NoParams = z.object({}).strict();

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Versions of the runtimes the backend runs on (electron is null outside Electron). */
  versions: z.object({ node: z.string(), electron: z.string().nullable(), v8: z.string() }),
  platform: z.string(),
  arch: z.string(),
  /** Folder that holds the archive, settings, recordings and user-installed models. */
  dataDir: z.string(),
  /** How the backend is hosted: in the caller's process, a forked child, or an Electron utility process. */
  host: z.enum(['in-process', 'fork', 'utility-process']),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  pid: z.number().int(),
  startedAt: z.number(),
  uptimeMs: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  /** Requests currently being handled (all connections). */
  inFlight: z.number().int(),
  connections: z.number().int(),
  /** Human-readable problems that make the status degraded (e.g. settings file unreadable). */
  problems: z.array(z.string()),
});
export type Health = z.infer<typeof HealthSchema>;

export const PingParamsSchema = z
  .object({
    /** Echoed back; lets a caller measure a round trip with a payload of a given size. */
    payload: z
      .string()
      .max(64 * 1024)
      .optional(),
    /** Hold the reply this long (max 60 s); used to measure and to exercise cancellation. */
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();
export const PingResultSchema = z.object({ payload: z.string().optional(), receivedAt: z.number() });

export const methods = {
  'app.info': { params: NoParams, result: AppInfoSchema },
  'backend.health': { params: NoParams, result: HealthSchema },
  'backend.ping': { params: PingParamsSchema, result: PingResultSchema },
  'settings.get': { params: NoParams, result: SettingsSchema },
  /** Applies a partial update and returns the full settings as stored. */
  'settings.set': { params: SettingsPatchSchema, result: SettingsSchema },
  ...archiveMethods,
  ...modelMethods,
  ...recordingMethods,
  ...transcribeMethods,
  ...reviewMethods,
  ...voiceMethods,
  ...mediaMethods,
  ...systemMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
/** Params as a handler sees them: validated, with defaults applied. */
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
