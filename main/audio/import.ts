/**
 * Importing an audio file yields exactly the frames live capture would: resampled to 16 kHz (libsamplerate),
 * downmixed to mono, cut into 20 ms frames with seq and timestamps. WAV is parsed here; MP3 is decoded by
 * mpg123-decoder (WASM, no download). M4A/AAC, Ogg, FLAC and others have no decoder on the Node side: the
 * app decodes those in Chromium (decodeAudioData) and sends frames; here they fail with a clear message.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MPEGDecoder } from 'mpg123-decoder';
import type { AudioChannel, AudioFrame } from './frames';
import { Framer } from './frames';
import type { ResampleQuality } from './resample';
import { createResampler } from './resample';
import { decodeWavData, readWavInfo } from './wav';

export class UnsupportedAudioError extends Error {
  constructor(file: string, format: string) {
    super(
      `${file}: unsupported format (${format}): convert it to WAV or MP3, or import it from the app window (Chromium decodes it)`,
    );
    this.name = 'UnsupportedAudioError';
  }
}

export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved samples. */
  samples: Float32Array;
}

export interface ImportOptions {
  channel?: AudioChannel;
  quality?: ResampleQuality;
  epochMs?: number;
}

export interface ImportResult {
  frames: AudioFrame[];
  durationMs: number;
  sourceRate: number;
  sourceChannels: number;
  format: 'wav' | 'mp3';
}

export function sniffFormat(bytes: Uint8Array): string {
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WAVE') return 'wav';
  if (ascii(0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(4, 4) === 'ftyp') return 'mp4/m4a';
  if (ascii(0, 4) === 'RIFF') return `RIFF ${ascii(8, 4)}`;
  return 'unknown';
}

async function decodeMp3File(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const r = decoder.decode(bytes);
    if (!r.samplesDecoded) throw new Error(`${file}: no MP3 audio could be decoded`);
    const left = r.channelData[0]!.subarray(0, r.samplesDecoded);
    const right = r.channelData[1]?.subarray(0, r.samplesDecoded);
    // mpg123 always returns two planes; a mono file has identical ones, so average is exact either way.
    const mono = new Float32Array(r.samplesDecoded);
    for (let i = 0; i < mono.length; i++) mono[i] = right ? (left[i]! + right[i]!) / 2 : left[i]!;
    return { sampleRate: r.sampleRate, channels: 1, samples: mono };
  } finally {
    decoder.free();
  }
}

export async function decodeAudioBytes(
  bytes: Uint8Array,
  file: string,
): Promise<DecodedAudio & { format: 'wav' | 'mp3' }> {
  const format = sniffFormat(bytes);
  if (format === 'wav') {
    const info = readWavInfo(bytes, file);
    return {
      format,
      sampleRate: info.sampleRate,
      channels: info.channels,
      samples: decodeWavData(bytes, info),
    };
  }
  if (format === 'mp3') return { format, ...(await decodeMp3File(bytes, file)) };
  throw new UnsupportedAudioError(file, format);
}

/** Decoded audio -> app frames. Streams through the resampler in 1 s blocks to bound peak memory. */
export async function audioToFrames(audio: DecodedAudio, options: ImportOptions = {}): Promise<AudioFrame[]> {
  const framer = new Framer({ channel: options.channel ?? 'mic', epochMs: options.epochMs ?? Date.now() });
  const resampler = await createResampler({
    inputRate: audio.sampleRate,
    channels: audio.channels,
    quality: options.quality ?? 'medium',
  });
  const frames: AudioFrame[] = [];
  const collect = (f: AudioFrame) => frames.push(f);
  try {
    const block = audio.sampleRate * audio.channels;
    for (let i = 0; i < audio.samples.length; i += block)
      framer.push(resampler.process(audio.samples.subarray(i, i + block)), collect);
    framer.push(resampler.flush(), collect);
    framer.flush(collect);
  } finally {
    resampler.destroy();
  }
  return frames;
}

export async function importAudioFile(path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const bytes = await readFile(path);
  const decoded = await decodeAudioBytes(bytes, basename(path));
  const frames = await audioToFrames(decoded, options);
  const sourceFrames = decoded.samples.length / decoded.channels;
  return {
    frames,
    durationMs: (sourceFrames / decoded.sampleRate) * 1000,
    sourceRate: decoded.sampleRate,
    sourceChannels: decoded.channels,
    format: decoded.format,
  };
}
