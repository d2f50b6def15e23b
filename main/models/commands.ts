import { downloadFile, type DownloadOptions, type DownloadProgress } from './download';
import {
  expectedSize,
  loadManifest,
  packsOf,
  selectModels,
  type Manifest,
  type ModelEntry,
} from './manifest';
import {
  checkFile,
  resolveFile,
  resolveModel,
  userFilePath,
  type FileStatus,
  type ModelLocations,
  type ModelStatus,
} from './resolve';

/**
 * What `verbatim models list | fetch <id|pack> | verify` do, as functions returning printable rows
 * (the CLI prints them with formatTable; the Settings screen can show the same rows).
 */

export interface ModelsContext {
  locations: ModelLocations;
  /** Defaults to the committed manifest. */
  manifest?: Manifest;
  /** Download behaviour (tests: loopback http, no retry delays, injected fs). */
  download?: Omit<DownloadOptions, 'signal' | 'onProgress'>;
}

export interface ModelListRow {
  id: string;
  name: string;
  kind: string;
  packs: string;
  status: ModelStatus;
  size: string;
  license: string;
  languages: string;
  /** Where the files were found (user, bundled, npm), or '-'. */
  location: string;
  message: string;
}

export async function listModels(ctx: ModelsContext): Promise<ModelListRow[]> {
  const manifest = ctx.manifest ?? loadManifest();
  const rows: ModelListRow[] = [];
  for (const model of manifest.models) {
    const resolved = await resolveModel(model, ctx.locations, { level: 'auto' });
    const sources = [...new Set(resolved.files.map((f) => f.source).filter((s) => s !== null))];
    rows.push({
      id: model.id,
      name: model.name,
      kind: [model.kind, ...(model.provides ?? [])].join('+'),
      packs: packsOf(manifest, model.id).join(',') || '-',
      status: resolved.status,
      size: modelSize(model),
      license: model.license.reviewRequired ? `${model.license.id} (review)` : model.license.id,
      languages: model.languages.join(','),
      location: sources.join(',') || '-',
      message: resolved.files
        .map((f) => f.message)
        .filter(Boolean)
        .join(' '),
    });
  }
  return rows;
}

export type FetchOutcome = 'present' | 'downloaded' | 'failed' | 'cancelled';

export interface FetchRow {
  id: string;
  file: string;
  outcome: FetchOutcome;
  status: FileStatus;
  detail: string;
}

export interface FetchProgress extends DownloadProgress {
  modelId: string;
  /** 1-based position of this file in the whole request, and the number of files. */
  fileIndex: number;
  fileCount: number;
}

export interface FetchReport {
  ok: boolean;
  rows: FetchRow[];
  /** Set when the request itself was invalid (unknown id or pack). */
  message?: string;
}

/**
 * Makes every file of a model or a pack available: files already present (anywhere in the
 * resolution order) and valid are kept; missing or corrupt ones are downloaded to the user folder.
 * Never throws; stops early only when cancelled.
 */
export async function fetchModels(
  idOrPack: string,
  ctx: ModelsContext,
  options: { signal?: AbortSignal; onProgress?: (p: FetchProgress) => void } = {},
): Promise<FetchReport> {
  const manifest = ctx.manifest ?? loadManifest();
  const models = selectModels(manifest, idOrPack);
  if (!models) {
    return {
      ok: false,
      rows: [],
      message: `Unknown model or pack '${idOrPack}'. Packs: ${Object.keys(manifest.packs).join(', ')}. Models: ${manifest.models.map((m) => m.id).join(', ')}.`,
    };
  }
  const work = models.flatMap((model) => model.files.map((file) => ({ model, file })));
  const rows: FetchRow[] = [];
  let index = 0;
  for (const { model, file } of work) {
    index++;
    if (options.signal?.aborted) {
      rows.push({
        id: model.id,
        file: file.name,
        outcome: 'cancelled',
        status: 'missing',
        detail: 'cancelled before start',
      });
      continue;
    }
    const found = await resolveFile(model, file, ctx.locations, { level: 'auto' });
    let status = found.status;
    // A big pinned file without a stamp is hashed now: fetch promises a checked file.
    if (status === 'present-unverified' && found.path && found.source) {
      status = (await checkFile(found.path, file, found.source, { level: 'full' }))?.status ?? 'missing';
    }
    if (status === 'verified' || status === 'unpinned') {
      rows.push({
        id: model.id,
        file: file.name,
        outcome: 'present',
        status,
        detail: `${found.source}: ${found.path}`,
      });
      continue;
    }
    const result = await downloadFile(
      {
        name: file.name,
        url: file.url,
        dest: userFilePath(ctx.locations, model.id, file),
        bytes: file.bytes,
        sha256: file.sha256,
      },
      {
        ...ctx.download,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) =>
          options.onProgress?.({
            ...p,
            total: p.total ?? expectedSize(file),
            modelId: model.id,
            fileIndex: index,
            fileCount: work.length,
          }),
      },
    );
    if (result.ok) {
      rows.push({
        id: model.id,
        file: file.name,
        outcome: result.reused ? 'present' : 'downloaded',
        status: result.verified ? 'verified' : 'unpinned',
        detail: result.verified
          ? result.path
          : `${result.path} (unpinned; sha256 ${result.sha256}, ${result.bytes} bytes)`,
      });
    } else {
      const cancelled = result.error.code === 'CANCELLED';
      rows.push({
        id: model.id,
        file: file.name,
        outcome: cancelled ? 'cancelled' : 'failed',
        status: status === 'corrupt' ? 'corrupt' : 'missing',
        detail: result.error.message,
      });
    }
  }
  return { ok: rows.every((r) => r.outcome === 'present' || r.outcome === 'downloaded'), rows };
}

export interface VerifyRow {
  id: string;
  file: string;
  status: FileStatus;
  source: string;
  sha256: string;
  detail: string;
}

/**
 * Hashes every installed file (all models, or the given ids) and compares with the manifest.
 * Unpinned files are reported with their actual SHA-256 and size so a release engineer can pin them.
 */
export async function verifyModels(ctx: ModelsContext, ids?: string[]): Promise<VerifyRow[]> {
  const manifest = ctx.manifest ?? loadManifest();
  const models: ModelEntry[] = ids ? manifest.models.filter((m) => ids.includes(m.id)) : manifest.models;
  const rows: VerifyRow[] = [];
  for (const model of models) {
    const resolved = await resolveModel(model, ctx.locations, { level: 'full' });
    for (const f of resolved.files) {
      let detail = f.message ?? f.path ?? '';
      if (f.status === 'unpinned') {
        detail = `no pinned sha256 in the manifest; this copy is ${f.actualBytes} bytes, sha256 ${f.sha256} (${f.path})`;
      }
      rows.push({
        id: model.id,
        file: f.name,
        status: f.status,
        source: f.source ?? '-',
        sha256: f.sha256 ?? '-',
        detail,
      });
    }
  }
  return rows;
}

// ---- printing ------------------------------------------------------------------------------------

export interface Column<R> {
  key: keyof R & string;
  header: string;
}

export const LIST_COLUMNS: Column<ModelListRow>[] = [
  { key: 'id', header: 'ID' },
  { key: 'kind', header: 'KIND' },
  { key: 'status', header: 'STATUS' },
  { key: 'size', header: 'SIZE' },
  { key: 'packs', header: 'PACKS' },
  { key: 'license', header: 'LICENSE' },
  { key: 'location', header: 'FROM' },
];

export const FETCH_COLUMNS: Column<FetchRow>[] = [
  { key: 'id', header: 'MODEL' },
  { key: 'file', header: 'FILE' },
  { key: 'outcome', header: 'RESULT' },
  { key: 'status', header: 'STATUS' },
  { key: 'detail', header: 'DETAIL' },
];

export const VERIFY_COLUMNS: Column<VerifyRow>[] = [
  { key: 'id', header: 'MODEL' },
  { key: 'file', header: 'FILE' },
  { key: 'status', header: 'STATUS' },
  { key: 'source', header: 'FROM' },
  { key: 'detail', header: 'DETAIL' },
];

/** Left-aligned plain-text table; the last column is not padded so long details wrap naturally. */
export function formatTable<R extends object>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cell = (row: R, key: keyof R): string => String(row[key] ?? '');
  const widths = columns.map((c) => Math.max(c.header.length, ...rows.map((r) => cell(r, c.key).length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    ...rows.map((r) => line(columns.map((c) => cell(r, c.key)))),
  ].join('\n');
}

function modelSize(model: ModelEntry): string {
  let total = 0;
  let exact = true;
  for (const file of model.files) {
    const size = expectedSize(file);
    if (size === null) return '?';
    if (file.bytes === null) exact = false;
    total += size;
  }
  const mb = total / 1e6;
  const text = mb >= 10 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
  return exact ? text : `~${text}`;
}
