/**
 * Crash-safe recording of one channel: a 16 kHz mono 16-bit WAV that is valid at (almost) every moment.
 * Frames are buffered in memory and appended every `flushIntervalMs` (<= 1 s), after which the header's
 * sizes are patched and the file is fdatasync'ed. A `kill -9` therefore loses at most one flush interval
 * (what was written but not yet synced survives a process crash in the page cache; the fsync bounds the
 * loss on power failure). recoverRecording() repairs whatever state a crash left: sizes from the file
 * length, a torn last frame dropped.
 */
import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AudioFrame } from './frames';
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE } from './frames';
import { PauseLog } from './pause';
import { WAV_HEADER_BYTES, WavError, floatToPcm16, readWavInfo, wavHeader } from './wav';

const BYTES_PER_FRAME = FRAME_SAMPLES * 2;
export const MAX_FLUSH_INTERVAL_MS = 1000;

export interface ChannelRecorderOptions {
  path: string;
  /** How often buffered audio is written and synced; capped at 1 s (the crash-loss budget). */
  flushIntervalMs?: number;
  /** Missing frames (a capture hiccup) are filled with silence up to this much, to keep file time = capture time. */
  maxGapFillMs?: number;
  /** Called when a background flush fails (disk full, ...): the session must tell the user. */
  onError?: (error: Error) => void;
}

export interface RecordingSummary {
  path: string;
  frames: number;
  durationMs: number;
  /** Frames of silence written in place of lost capture frames. */
  filledFrames: number;
  segments: ReturnType<PauseLog['toJSON']>;
}

export class ChannelRecorder {
  readonly path: string;
  private readonly flushIntervalMs: number;
  private readonly maxGapFillFrames: number;
  private readonly onError: (error: Error) => void;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private dataBytes = 0;
  private filledFrames = 0;
  private expectedSeq: number | null = null;
  private pauseLog: PauseLog | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private failure: Error | null = null;

  private constructor(
    private readonly handle: FileHandle,
    options: ChannelRecorderOptions,
  ) {
    this.path = options.path;
    this.flushIntervalMs = Math.min(MAX_FLUSH_INTERVAL_MS, Math.max(20, options.flushIntervalMs ?? 250));
    this.maxGapFillFrames = Math.round((options.maxGapFillMs ?? 10_000) / FRAME_MS);
    this.onError = options.onError ?? (() => {});
  }

  /** Creates the file (refusing to overwrite an existing recording) with a synced, valid empty header. */
  static async create(options: ChannelRecorderOptions): Promise<ChannelRecorder> {
    const handle = await open(options.path, 'wx');
    try {
      await handle.write(wavHeader(SAMPLE_RATE, 1, 'pcm16', 0), 0, WAV_HEADER_BYTES, 0);
      await handle.sync();
    } catch (error) {
      await handle.close();
      throw error;
    }
    const recorder = new ChannelRecorder(handle, options);
    recorder.timer = setInterval(() => void recorder.flush().catch(() => {}), recorder.flushIntervalMs);
    recorder.timer.unref?.();
    return recorder;
  }

  get framesWritten(): number {
    return this.dataBytes / BYTES_PER_FRAME;
  }

  /** Frames accepted so far (written or buffered). */
  get framesAccepted(): number {
    return (this.dataBytes + this.pendingBytes) / BYTES_PER_FRAME;
  }

  get paused(): boolean {
    return this.pauseLog?.paused ?? false;
  }

  /** Synchronous and cheap: the capture path must never wait on the disk. */
  append(frame: AudioFrame): void {
    if (this.closed) throw new Error(`recorder for ${this.path} is closed`);
    if (this.failure) throw this.failure;
    this.pauseLog ??= new PauseLog(frame.t);
    if (this.pauseLog.paused) return;
    if (this.expectedSeq !== null && frame.seq > this.expectedSeq) {
      const fill = Math.min(frame.seq - this.expectedSeq, this.maxGapFillFrames);
      if (fill > 0) {
        this.push(new Uint8Array(fill * BYTES_PER_FRAME));
        this.filledFrames += fill;
      }
    } else if (this.expectedSeq !== null && frame.seq < this.expectedSeq) {
      return; // duplicate or late: the slot is already in the file
    }
    this.expectedSeq = frame.seq + 1;
    this.push(floatToPcm16(frame.samples));
  }

  /**
   * Silence before the first frame, so a channel that started later than the other one keeps the same
   * file time as it (seeking and the transcript's times then hold for both files). Only before any audio.
   */
  padStart(frames: number): void {
    if (this.framesAccepted > 0 || frames <= 0) return;
    const fill = Math.min(Math.round(frames), this.maxGapFillFrames);
    this.push(new Uint8Array(fill * BYTES_PER_FRAME));
    this.filledFrames += fill;
  }

  pause(t: number): void {
    this.pauseLog ??= new PauseLog(t);
    this.pauseLog.pause(t);
  }

  resume(t: number): void {
    this.pauseLog?.resume(t);
    // Frames dropped during the pause are not a gap: restart the sequence at the next frame.
    this.expectedSeq = null;
  }

  /** Writes buffered audio, patches the header and syncs. Serialized: concurrent calls queue. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushNow());
    this.chain = run.catch(() => {});
    return run;
  }

  async close(): Promise<RecordingSummary> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      await this.flush();
    } finally {
      // Close even when the last flush failed: recovery can still repair what reached the disk.
      this.closed = true;
      await this.handle.close();
    }
    const frames = this.framesWritten;
    return {
      path: this.path,
      frames,
      durationMs: frames * FRAME_MS,
      filledFrames: this.filledFrames,
      segments: this.pauseLog?.toJSON() ?? [],
    };
  }

  private push(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private async flushNow(): Promise<void> {
    if (this.closed || this.failure) {
      if (this.failure) throw this.failure;
      return;
    }
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.handle.write(chunk, 0, chunk.length, WAV_HEADER_BYTES + this.dataBytes);
      this.dataBytes += chunk.length;
      // Sizes live at offsets 4 (RIFF) and 40 (data): patching both keeps the file playable as-is.
      const header = wavHeader(SAMPLE_RATE, 1, 'pcm16', this.dataBytes);
      await this.handle.write(header, 4, 4, 4);
      await this.handle.write(header, 40, 4, 40);
      await this.handle.datasync();
    } catch (cause) {
      this.failure = new Error(`recording to ${this.path} failed: ${(cause as Error).message}`, { cause });
      this.onError(this.failure);
      throw this.failure;
    }
  }
}

export interface RecoveryResult {
  path: string;
  frames: number;
  durationMs: number;
  /** Bytes of a torn (partially written) last frame that were cut off. */
  truncatedBytes: number;
  /** Whether the header had to be rewritten. */
  repaired: boolean;
}

/**
 * Makes a recording left by a crash playable: data size from the file length (rounded down to whole
 * 20 ms frames), header patched, file truncated, synced. Safe to run on an intact file (no change).
 */
export async function recoverRecording(path: string): Promise<RecoveryResult> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(size, 4096));
    await handle.read(head, 0, head.length, 0);
    const info = readWavInfo(head, path, true);
    if (
      info.sampleRate !== SAMPLE_RATE ||
      info.channels !== 1 ||
      info.bitsPerSample !== 16 ||
      info.format !== 'int'
    )
      throw new WavError(path, 'not a Verbatim recording (expected 16 kHz mono 16-bit PCM)');
    const available = size - info.dataOffset;
    const dataBytes = available - (available % BYTES_PER_FRAME);
    const truncatedBytes = available - dataBytes;
    const declared = new DataView(head.buffer).getUint32(info.dataOffset - 4, true);
    const repaired = declared !== dataBytes || truncatedBytes > 0;
    if (repaired) {
      if (truncatedBytes > 0) await handle.truncate(info.dataOffset + dataBytes);
      const header = wavHeader(SAMPLE_RATE, 1, 'pcm16', dataBytes);
      const riff = new DataView(new ArrayBuffer(4));
      riff.setUint32(0, info.dataOffset - 8 + dataBytes, true);
      await handle.write(new Uint8Array(riff.buffer), 0, 4, 4);
      await handle.write(header, 40, 4, info.dataOffset - 4);
      await handle.sync();
    }
    const frames = dataBytes / BYTES_PER_FRAME;
    return { path, frames, durationMs: frames * FRAME_MS, truncatedBytes, repaired };
  } finally {
    await handle.close();
  }
}

/** Recovers every uncompacted channel recording (`<channel>.wav`) in a meeting's audio folder. */
export async function recoverMeetingAudio(dir: string): Promise<RecoveryResult[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wav'));
  const results: RecoveryResult[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isFile()) results.push(await recoverRecording(path));
  }
  return results;
}
