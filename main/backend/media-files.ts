/**
 * A meeting's playable audio files: which file serves each channel, its type, size and length.
 * The recorder writes `<channel>.wav` (crash-safe, valid at every flush) and compaction replaces it
 * with `<channel>.mp3`, which is renamed into place only after it was synced and decoded back to the
 * right length (main/audio/compact.ts). So an existing MP3 is always complete and is preferred (a
 * seventh of the bytes); the WAV serves while recording, after a crash, or if compaction failed.
 */
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { CHANNELS, type AudioChannel } from '../audio/frames';
import { readWavInfo } from '../audio/wav';
import { contentTypeOf } from './content-types';

export interface MeetingAudioFile {
  channel: AudioChannel;
  /** Real path (symlinks resolved), inside the data folder. */
  path: string;
  format: 'wav' | 'mp3';
  mimeType: string;
  bytes: number;
  durationMs: number;
}

/** Thrown when a meeting's audio path resolves outside the data folder: refused, never served. */
export class OutsideDataDirError extends Error {
  constructor(readonly path: string) {
    super(`${path} is outside the data folder; it will not be served.`);
    this.name = 'OutsideDataDirError';
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/**
 * The file that serves one channel, or null when the channel has no audio. Both the candidate and the
 * data folder are resolved with realpath first, so neither `..` in a stored audioDir nor a symlink in
 * the meeting folder can point playback at another file on the disk.
 */
export async function findChannelFile(
  dataDir: string,
  audioDir: string,
  channel: AudioChannel,
): Promise<MeetingAudioFile | null> {
  const root = await realpath(dataDir);
  for (const format of ['mp3', 'wav'] as const) {
    const candidate = join(audioDir, `${channel}.${format}`);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue; // not there
    }
    if (!isInside(root, real)) throw new OutsideDataDirError(candidate);
    const info = await stat(real);
    if (!info.isFile()) continue;
    return {
      channel,
      path: real,
      format,
      mimeType: contentTypeOf(real),
      bytes: info.size,
      durationMs:
        format === 'wav' ? await wavDurationMs(real, info.size) : await mp3DurationMs(real, info.size),
    };
  }
  return null;
}

/** Every channel that has audio, in CHANNELS order (mic first). */
export async function findMeetingFiles(dataDir: string, audioDir: string): Promise<MeetingAudioFile[]> {
  const found: MeetingAudioFile[] = [];
  for (const channel of CHANNELS) {
    const file = await findChannelFile(dataDir, audioDir, channel);
    if (file) found.push(file);
  }
  return found;
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * From the header and the file size: the recorder writes nothing after the data chunk, and a WAV being
 * recorded (or cut off by a crash) may hold more or fewer bytes than its header last said.
 */
async function wavDurationMs(path: string, size: number): Promise<number> {
  try {
    const head = await readHead(path, Math.min(size, 64 * 1024));
    const info = readWavInfo(head, path, true);
    const blockAlign = (info.bitsPerSample / 8) * info.channels;
    const frames = Math.floor(Math.max(0, size - info.dataOffset) / blockAlign);
    return (frames / info.sampleRate) * 1000;
  } catch {
    return 0; // an empty or just-created file: nothing to play yet
  }
}

// MPEG audio frame header tables (ISO 11172-3 / 13818-3), layer III only: what compaction writes.
const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** The first layer III frame header: its byte offset and bit rate (bit/s). */
export function firstMp3Frame(
  bytes: Uint8Array,
): { offset: number; bitrate: number; sampleRate: number } | null {
  let at = 0;
  // An ID3v2 tag (10-byte header, syncsafe size) may precede the audio.
  if (bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    at =
      10 +
      (((bytes[6]! & 0x7f) << 21) |
        ((bytes[7]! & 0x7f) << 14) |
        ((bytes[8]! & 0x7f) << 7) |
        (bytes[9]! & 0x7f));
  }
  for (; at + 4 <= bytes.length; at++) {
    if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) continue;
    const version = (bytes[at + 1]! >> 3) & 0x03; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    const layer = (bytes[at + 1]! >> 1) & 0x03; // 1 = layer III
    const bitrateIndex = bytes[at + 2]! >> 4;
    const rateIndex = (bytes[at + 2]! >> 2) & 0x03;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
      continue;
    const kbps = (version === 3 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[bitrateIndex]!;
    return { offset: at, bitrate: kbps * 1000, sampleRate: MP3_RATES[version]![rateIndex]! };
  }
  return null;
}

/** Constant bit rate (what compaction writes): bytes after the first frame over the bit rate. */
async function mp3DurationMs(path: string, size: number): Promise<number> {
  const frame = firstMp3Frame(await readHead(path, Math.min(size, 64 * 1024)));
  if (!frame) return 0;
  return ((size - frame.offset) * 8 * 1000) / frame.bitrate;
}
