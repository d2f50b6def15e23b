import { z } from 'zod';
import committedManifest from '../../models/manifest.json';

/**
 * The model catalogue (`models/manifest.json`). The file is bundled into the app at build time;
 * this schema is the contract for it, and a unit test validates the committed file.
 *
 * `sha256: null` means UNPINNED: MODELS.md does not give the hash (it could not be read without the
 * weights). Such files are downloaded and used, but reported as 'unpinned', never 'verified'.
 */

export const ModelKindSchema = z.enum(['vad', 'asr-streaming', 'asr-final', 'speaker', 'emotion']);
export type ModelKind = z.infer<typeof ModelKindSchema>;

/** Engine dispatch key: which loader understands the files. */
export const ModelFamilySchema = z.enum([
  'silero-vad-v5',
  'zipformer2-transducer',
  'zipformer-transducer',
  'sense-voice-ctc',
  'whisper',
  '3d-speaker',
  'wespeaker',
  'pyannote-segmentation-3',
]);
export type ModelFamily = z.infer<typeof ModelFamilySchema>;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');
const HttpsUrlSchema = z.url({ protocol: /^https$/, hostname: z.regexes.domain });

/** A relative path inside the model's folder: plain segments only, so it can never escape it. */
const RelativeFileSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'relative path of plain segments')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'no . or .. segments')
  .refine((p) => !/\.(part|lock|verified)$/.test(p) && !p.endsWith('.part.json'), 'reserved suffix');

export const ModelFileSchema = z
  .object({
    name: RelativeFileSchema,
    role: z.string().min(1).optional(),
    url: HttpsUrlSchema,
    /** Exact size; null when not known yet (UNCONFIRMED in MODELS.md). */
    bytes: z.number().int().positive().nullable(),
    /** Rough size for display and progress when `bytes` is unknown. */
    approxBytes: z.number().int().positive().optional(),
    sha256: Sha256Schema.nullable(),
    /** The same file shipped inside an npm package (require.resolve(`${package}/${path}`)). */
    npm: z
      .object({ package: z.string().min(1), path: z.string().min(1) })
      .strict()
      .optional(),
    /** Facts about this entry still to be checked against the real file. */
    unconfirmed: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type ModelFile = z.infer<typeof ModelFileSchema>;

export const ModelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'lower-case id: letters, digits, dots, dashes'),
    name: z.string().min(1),
    kind: ModelKindSchema,
    /** Further roles the same model fills (SenseVoice also yields emotion). */
    provides: z.array(ModelKindSchema).optional(),
    family: ModelFamilySchema,
    description: z.string().min(1),
    /** ISO 639 codes, or '*' for language-independent models. */
    languages: z.array(z.string().min(1)).min(1),
    license: z
      .object({
        id: z.string().min(1),
        url: HttpsUrlSchema,
        /** A human must read the terms before the model ships by default. */
        reviewRequired: z.boolean(),
        notes: z.string().optional(),
      })
      .strict(),
    source: HttpsUrlSchema,
    files: z.array(ModelFileSchema).min(1),
  })
  .strict()
  .superRefine((model, ctx) => {
    const seen = new Set<string>();
    for (const file of model.files) {
      if (seen.has(file.name))
        ctx.addIssue({ code: 'custom', message: `duplicate file ${file.name}`, path: ['files'] });
      seen.add(file.name);
    }
  });
export type ModelEntry = z.infer<typeof ModelSchema>;

export const ManifestSchema = z
  .object({
    $comment: z.string().optional(),
    schemaVersion: z.literal(1),
    packs: z.record(z.string().regex(/^[a-z0-9-]+$/), z.array(z.string()).min(1)),
    models: z.array(ModelSchema).min(1),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const ids = new Set<string>();
    for (const model of manifest.models) {
      if (ids.has(model.id))
        ctx.addIssue({ code: 'custom', message: `duplicate model id ${model.id}`, path: ['models'] });
      ids.add(model.id);
    }
    if (!manifest.packs.default)
      ctx.addIssue({ code: 'custom', message: 'a "default" pack is required', path: ['packs'] });
    for (const [pack, members] of Object.entries(manifest.packs)) {
      if (ids.has(pack))
        ctx.addIssue({ code: 'custom', message: `pack ${pack} shadows a model id`, path: ['packs', pack] });
      for (const id of members) {
        if (!ids.has(id))
          ctx.addIssue({
            code: 'custom',
            message: `pack ${pack} lists unknown model ${id}`,
            path: ['packs', pack],
          });
      }
    }
  });
export type Manifest = z.infer<typeof ManifestSchema>;

export function parseManifest(json: unknown): Manifest {
  return ManifestSchema.parse(json);
}

let cached: Manifest | undefined;

/** The committed catalogue (bundled at build time). */
export function loadManifest(): Manifest {
  cached ??= parseManifest(committedManifest);
  return cached;
}

export function findModel(manifest: Manifest, id: string): ModelEntry | undefined {
  return manifest.models.find((m) => m.id === id);
}

/** Packs a model belongs to, for display. */
export function packsOf(manifest: Manifest, id: string): string[] {
  return Object.entries(manifest.packs)
    .filter(([, members]) => members.includes(id))
    .map(([pack]) => pack);
}

/** A model id or a pack name -> the models it means; null when it is neither. */
export function selectModels(manifest: Manifest, idOrPack: string): ModelEntry[] | null {
  const model = findModel(manifest, idOrPack);
  if (model) return [model];
  const pack = manifest.packs[idOrPack];
  if (!pack) return null;
  return pack.map((id) => findModel(manifest, id)!);
}

export const isPinned = (file: ModelFile): file is ModelFile & { sha256: string } => file.sha256 !== null;

/** Best size estimate for display/progress. */
export const expectedSize = (file: ModelFile): number | null => file.bytes ?? file.approxBytes ?? null;
