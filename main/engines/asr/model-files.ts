import { stat } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * Model-file problems shared by the offline recognizers (SenseVoice, Whisper): every message names the
 * file and says what is wrong with it, because the user is the one who has to fix it.
 */

export type AsrModelErrorCode = 'MODEL_MISSING' | 'MODEL_INCOMPATIBLE' | 'MODEL_CORRUPT';

export class AsrModelError extends Error {
  readonly code: AsrModelErrorCode;
  readonly file: string;
  constructor(code: AsrModelErrorCode, file: string, message: string) {
    super(message);
    this.name = 'AsrModelError';
    this.code = code;
    this.file = file;
  }
}

/** The part of an onnxruntime session the recognizers use (tests wrap real sessions to watch the feeds). */
export type OrtSession = Pick<InferenceSession, 'run' | 'inputNames' | 'outputNames' | 'release'>;

export type Ort = typeof import('onnxruntime-node');

export async function requireFile(file: string, what: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch {
    throw new AsrModelError('MODEL_MISSING', file, `${what} not found: ${file}`);
  }
  if (!isFile) throw new AsrModelError('MODEL_MISSING', file, `${what} is not a file: ${file}`);
}

export async function loadOrt(): Promise<Ort> {
  // Lazily, so code paths that never run a model never load the native addon.
  return import('onnxruntime-node');
}

export async function createSession(
  ort: Ort,
  file: string,
  what: string,
  intraOpNumThreads: number,
): Promise<OrtSession> {
  try {
    // From a path, not a buffer: large exports may keep weights as external data next to the file (§0.3).
    return await ort.InferenceSession.create(file, {
      intraOpNumThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  } catch (error) {
    throw new AsrModelError(
      'MODEL_CORRUPT',
      file,
      `${what} could not be loaded by onnxruntime: ${file} (${(error as Error).message})`,
    );
  }
}

/** Inputs and outputs are fed and fetched by name (MODELS.md §0.1), so a missing name is fatal up front. */
export function checkSignature(
  session: OrtSession,
  file: string,
  what: string,
  inputs: readonly string[],
  outputs: readonly string[],
): void {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length === 0 && missingOut.length === 0) return;
  const parts: string[] = [];
  if (missingIn.length) parts.push(`inputs ${missingIn.join(', ')}`);
  if (missingOut.length) parts.push(`outputs ${missingOut.join(', ')}`);
  throw new AsrModelError(
    'MODEL_INCOMPATIBLE',
    file,
    `${file} is not a ${what}: it lacks ${parts.join(' and ')} ` +
      `(has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`,
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException('decode aborted', 'AbortError');
  }
}
