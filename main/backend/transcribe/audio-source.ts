/**
 * A meeting's recorded audio as the app's 20 ms frames, streamed: the crash-safe WAV (`mic.wav`,
 * `system.wav`) or, after compaction, the MP3 (`mic.mp3`, `system.mp3`), decoded a block at a time so a
 * three-hour meeting never sits in memory as floats (that would be ~700 MB per channel). Frame times are
 * meeting ms: the position in the file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MPEGDecoder, type MPEGDecodedAudio } from 'mpg123-decoder';
import { CHANNELS, Framer, type AudioChannel, type AudioFrame } from '../../audio/frames';
import { sniffFormat, UnsupportedAudioError } from '../../audio/import';
import { createResampler } from '../../audio/resample';
import { decodeWavData, readWavInfo } from '../../audio/wav';

export interface ChannelAudio {
  channel: AudioChannel;
  path: string;
}

/**
 * The audio file of each channel in a meeting folder. The WAV wins over the MP3: a WAV is still there only
 * when compaction has not run or failed, and then it is the complete one.
 */
export function findMeetingAudio(audioDir: string | null): ChannelAudio[] {
  if (!audioDir) return [];
  const found: ChannelAudio[] = [];
  for (const channel of CHANNELS) {
    const path = ['wav', 'mp3'].map((ext) => join(audioDir, `${channel}.${ext}`)).find((p) => existsSync(p));
    if (path) found.push({ channel, path });
  }
  return found;
}

export interface ChannelFrames {
  channel: AudioChannel;
  durationMs: number;
  /** Frames from t = 0, in order; a new pass decodes the file again. */
  frames(): AsyncGenerator<AudioFrame>;
}

/** Source blocks of one file at its own rate (interleaved when it has several channels). */
interface BlockSource {
  sampleRate: number;
  channels: number;
  durationMs: number;
  blocks(): AsyncGenerator<Float32Array>;
}

/** ~2 s of WAV audio, or 16 KB of MP3 (~4 s at 32 kbit/s), per decode step. */
const WAV_BLOCK_SECONDS = 2;
const MP3_STEP_BYTES = 16 * 1024;

export async function channelFrames(audio: ChannelAudio): Promise<ChannelFrames> {
  const bytes = await readFile(audio.path);
  const format = sniffFormat(bytes);
  const name = basename(audio.path);
  let source: BlockSource;
  if (format === 'wav') source = wavSource(bytes, name);
  else if (format === 'mp3') source = await mp3Source(bytes);
  else throw new UnsupportedAudioError(name, format);
  return {
    channel: audio.channel,
    durationMs: source.durationMs,
    async *frames() {
      const framer = new Framer({ channel: audio.channel, epochMs: 0 });
      const resampler = await createResampler({ inputRate: source.sampleRate, channels: source.channels });
      const out: AudioFrame[] = [];
      const collect = (f: AudioFrame) => out.push(f);
      try {
        for await (const block of source.blocks()) {
          framer.push(resampler.process(block), collect);
          yield* out.splice(0);
        }
        framer.push(resampler.flush(), collect);
        framer.flush(collect);
        yield* out.splice(0);
      } finally {
        resampler.destroy();
      }
    },
  };
}

function wavSource(bytes: Uint8Array, name: string): BlockSource {
  // A recording cut off by a crash may claim more data than the file holds: take what is there.
  const info = readWavInfo(bytes, name, true);
  const blockFrames = info.sampleRate * WAV_BLOCK_SECONDS;
  const bytesPerFrame = (info.bitsPerSample / 8) * info.channels;
  return {
    sampleRate: info.sampleRate,
    channels: info.channels,
    durationMs: (info.frames / info.sampleRate) * 1000,
    async *blocks() {
      for (let f = 0; f < info.frames; f += blockFrames) {
        const frames = Math.min(blockFrames, info.frames - f);
        const at = info.dataOffset + f * bytesPerFrame;
        yield decodeWavData(bytes, { ...info, dataOffset: at, dataBytes: frames * bytesPerFrame, frames });
      }
    },
  };
}

/** Counts the samples first (no copies kept; fast), so progress has a total before decoding starts. */
async function mp3Source(bytes: Uint8Array): Promise<BlockSource> {
  let sampleRate = 0;
  let samples = 0;
  for await (const r of mp3Steps(bytes)) {
    sampleRate = r.sampleRate;
    samples += r.samplesDecoded;
  }
  if (!samples) throw new Error('no MP3 audio could be decoded');
  return {
    sampleRate,
    channels: 1,
    durationMs: (samples / sampleRate) * 1000,
    async *blocks() {
      for await (const r of mp3Steps(bytes)) yield mono(r);
    },
  };
}

async function* mp3Steps(bytes: Uint8Array): AsyncGenerator<MPEGDecodedAudio> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    for (let i = 0; i < bytes.length; i += MP3_STEP_BYTES) {
      const r = decoder.decode(bytes.subarray(i, i + MP3_STEP_BYTES));
      if (r.samplesDecoded) yield r;
    }
  } finally {
    decoder.free();
  }
}

/** mpg123 returns two planes even for mono files (identical then), so the average is exact either way. */
function mono(r: MPEGDecodedAudio): Float32Array {
  const left = r.channelData[0]!;
  const right = r.channelData[1];
  const out = new Float32Array(r.samplesDecoded);
  for (let k = 0; k < out.length; k++) out[k] = right ? (left[k]! + right[k]!) / 2 : left[k]!;
  return out;
}
