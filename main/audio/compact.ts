/**
 * End-of-meeting compaction: the crash-safe 16-bit WAV (115 MB/h per channel) becomes a 32 kbit/s CBR
 * mono MP3 (14.4 MB/h per channel, 28.8 MB/h for both: inside the 30 MB/h budget).
 * Why MP3 via @breezystack/lamejs: pure JS (no native build, no download), maintained ESM fork of the
 * widely used lamejs, and Chromium plays MP3 natively with seeking (CBR seeks exactly by byte offset).
 * Opus would be smaller at equal quality but the WASM encoders on npm are either unmaintained or need
 * a native build; 32 kbit/s MPEG-2 layer III at 16 kHz is transparent enough for reviewing speech.
 * The WAV is deleted only after the MP3 is synced, renamed into place and decoded back to the
 * expected length (mpg123-decoder, WASM).
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MPEGDecoder } from 'mpg123-decoder';
import { SAMPLE_RATE } from './frames';
import { WavError, readWavInfo } from './wav';

export const DEFAULT_MP3_KBPS = 32;
/** MP3 frames at 16 kHz hold 576 samples; the encoder adds its delay and pads the last frame. */
const MP3_SLACK_SAMPLES = 576 * 4 + 1105;

export interface CompactionResult {
  wavPath: string;
  mp3Path: string;
  mp3Bytes: number;
  samples: number;
  decodedSamples: number;
}

export interface CompactOptions {
  kbps?: number;
  /** Keep the WAV after a verified compaction (tests, debugging). */
  keepWav?: boolean;
}

type Mp3EncoderCtor = new (
  channels: number,
  rate: number,
  kbps: number,
) => {
  // Int8Array in practice, despite the typings.
  encodeBuffer(left: Int16Array): Int8Array | Uint8Array;
  flush(): Int8Array | Uint8Array;
};

// Dynamic import: the package's CommonJS entry is an IIFE without exports, its ESM entry is the real one.
async function loadEncoder(): Promise<Mp3EncoderCtor> {
  const mod = (await import('@breezystack/lamejs')) as { Mp3Encoder: Mp3EncoderCtor };
  return mod.Mp3Encoder;
}

// Copies: the encoder reuses its output buffer between calls.
const asBytes = (a: Int8Array | Uint8Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();

export async function encodeMp3(pcm: Int16Array, kbps = DEFAULT_MP3_KBPS): Promise<Uint8Array> {
  const Mp3Encoder = await loadEncoder();
  const encoder = new Mp3Encoder(1, SAMPLE_RATE, kbps);
  const parts: Uint8Array[] = [];
  // ~1.2 s of audio (~30 ms of CPU) per step, then yield: an hour-long file must not freeze the backend.
  const block = 1152 * 16;
  for (let i = 0; i < pcm.length; i += block) {
    parts.push(asBytes(encoder.encodeBuffer(pcm.subarray(i, i + block))));
    await yieldToLoop();
  }
  parts.push(asBytes(encoder.flush()));
  return Buffer.concat(parts);
}

/** Counts decoded samples (and optionally keeps them) without holding a whole hour of float audio. */
export async function decodeMp3(
  mp3: Uint8Array,
  keep = true,
): Promise<{ samples: number; audio?: Float32Array }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const parts: Float32Array[] = [];
    let samples = 0;
    const step = 64 * 1024;
    for (let i = 0; i < mp3.length; i += step) {
      const r = decoder.decode(mp3.subarray(i, i + step));
      if (r.errors.length) throw new Error(`MP3 decode error: ${r.errors[0]!.message}`);
      samples += r.samplesDecoded;
      if (keep && r.samplesDecoded) parts.push(r.channelData[0]!.slice(0, r.samplesDecoded));
    }
    if (!keep) return { samples };
    const audio = new Float32Array(samples);
    let at = 0;
    for (const p of parts) {
      audio.set(p, at);
      at += p.length;
    }
    return { samples, audio };
  } finally {
    decoder.free();
  }
}

export async function compactRecording(
  wavPath: string,
  mp3Path = wavPath.replace(/\.wav$/i, '') + '.mp3',
  options: CompactOptions = {},
): Promise<CompactionResult> {
  const bytes = await readFile(wavPath);
  const info = readWavInfo(bytes, wavPath);
  if (
    info.sampleRate !== SAMPLE_RATE ||
    info.channels !== 1 ||
    info.bitsPerSample !== 16 ||
    info.format !== 'int'
  )
    throw new WavError(wavPath, 'compaction expects a 16 kHz mono 16-bit recording');
  // Copy into an aligned buffer: the data chunk may start at an odd byte offset in the file buffer.
  const pcm = new Int16Array(info.frames);
  Buffer.from(pcm.buffer).set(bytes.subarray(info.dataOffset, info.dataOffset + info.dataBytes));
  const mp3 = await encodeMp3(pcm, options.kbps);

  const partial = `${mp3Path}.partial`;
  const handle = await open(partial, 'w');
  try {
    await handle.writeFile(mp3);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Verify from disk, not from memory: what matters is what we would keep.
  const { samples: decodedSamples } = await decodeMp3(await readFile(partial), false);
  if (decodedSamples < pcm.length || decodedSamples > pcm.length + MP3_SLACK_SAMPLES) {
    await rm(partial, { force: true });
    throw new Error(
      `compaction of ${wavPath} failed verification: decoded ${decodedSamples} samples, expected ${pcm.length}; the WAV is kept`,
    );
  }
  await rename(partial, mp3Path);
  if (!options.keepWav) await rm(wavPath);
  return { wavPath, mp3Path, mp3Bytes: mp3.length, samples: pcm.length, decodedSamples };
}
