/** A CLI context over an in-process backend with fake engines, capturing what a terminal would show. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';
import { writeWav } from '../../../main/audio/wav';
import type { CliContext } from '../../../main/cli/context';
import { toneMeeting } from '../../integration/pipeline/tone-meeting';
import type { FakeLoader } from '../transcribe/fixture';

export interface Harness {
  ctx: CliContext;
  backend: InProcessBackend;
  abort: AbortController;
  out: string[];
  err: string[];
  /** Raw status-line writes (TTY mode). */
  tty: string[];
  write: (text: string) => void;
}

export async function cliHarness(dataDir: string, loader: FakeLoader, isTty = false): Promise<Harness> {
  const backend = await startInProcessBackend({ dataDir, loadEngines: loader.load });
  const abort = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const tty: string[] = [];
  return {
    backend,
    abort,
    out,
    err,
    tty,
    write: (text) => tty.push(text),
    ctx: {
      client: backend.client,
      dataDir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      isTty,
      signal: abort.signal,
    },
  };
}

/**
 * The tone meeting as one file (a room recording: both sides in one channel), at 48 kHz stereo so the
 * import resamples and downmixes like any real file.
 */
export async function toneFile(dir: string, name = 'standup.wav'): Promise<string> {
  const { mic, system } = toneMeeting(-80);
  const upsampled = new Float32Array(mic.length * 3 * 2);
  for (let i = 0; i < mic.length * 3; i++) {
    // Linear interpolation is plenty for tones far below 8 kHz.
    const x = i / 3;
    const k = Math.floor(x);
    const f = x - k;
    const at = (a: Float32Array) => (a[k] ?? 0) * (1 - f) + (a[k + 1] ?? 0) * f;
    const v = at(mic) + at(system);
    upsampled[2 * i] = v;
    upsampled[2 * i + 1] = v;
  }
  const path = join(dir, name);
  await writeFile(path, writeWav(upsampled, 48_000, 2));
  return path;
}
