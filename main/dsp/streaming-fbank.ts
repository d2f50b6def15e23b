/**
 * Streaming fbank (knf `OnlineFbank` semantics): frames become ready as soon as their last sample has
 * arrived; `inputFinished()` adds the remaining frames, reflecting at the end of the signal (snipEdges false).
 * Any chunking gives exactly the frames `computeFbank` gives on the whole signal.
 */
import type { FbankOptions, FbankPreset } from './fbank-options';
import { firstSampleOfFrame } from './fbank-options';
import { FbankComputer } from './fbank';

export class StreamingFbank {
  readonly computer: FbankComputer;
  readonly numBins: number;
  // Waveform tail: buffer[0 … bufLength) holds samples bufStart … bufStart + bufLength − 1.
  private buffer: Float32Array;
  private bufStart = 0;
  private bufLength = 0;
  // Frames: store[0 … storedFrames·numBins) holds frames firstStored … firstStored + storedFrames − 1.
  private store: Float32Array;
  private firstStored = 0;
  private storedFrames = 0;
  private finished = false;

  constructor(options: Partial<FbankOptions> | FbankPreset | FbankComputer = {}) {
    this.computer = options instanceof FbankComputer ? options : new FbankComputer(options);
    this.numBins = this.computer.numBins;
    this.buffer = new Float32Array(Math.max(4096, this.computer.geometry.windowSize * 4));
    this.store = new Float32Array(this.numBins * 256);
  }

  /** Total samples accepted so far. */
  get numSamples(): number {
    return this.bufStart + this.bufLength;
  }

  /** Frames computed so far (absolute count, including discarded ones). */
  get framesReady(): number {
    return this.firstStored + this.storedFrames;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** First frame index still held (earlier ones were released with `discardFramesBefore`). */
  get firstAvailableFrame(): number {
    return this.firstStored;
  }

  acceptWaveform(chunk: Float32Array): void {
    if (this.finished) throw new Error('acceptWaveform after inputFinished');
    if (chunk.length === 0) return;
    this.dropConsumedSamples();
    this.ensureBufferCapacity(this.bufLength + chunk.length);
    this.buffer.set(chunk, this.bufLength);
    this.bufLength += chunk.length;
    this.computeUpTo(this.computer.numFrames(this.numSamples, false));
  }

  /** No more audio: computes the frames that needed the end of the signal. Idempotent. */
  inputFinished(): void {
    if (this.finished) return;
    this.finished = true;
    this.computeUpTo(this.computer.numFrames(this.numSamples, true));
  }

  /** One frame as a copy (into `out` when given). */
  getFrame(index: number, out?: Float32Array): Float32Array {
    this.checkRange(index, 1);
    const begin = (index - this.firstStored) * this.numBins;
    const target = out ?? new Float32Array(this.numBins);
    target.set(this.store.subarray(begin, begin + this.numBins));
    return target;
  }

  /** Frames [start, start + count) as one row-major copy. */
  getFrames(start: number, count: number): Float32Array {
    this.checkRange(start, count);
    const begin = (start - this.firstStored) * this.numBins;
    return this.store.slice(begin, begin + count * this.numBins);
  }

  /** Releases frames before `index` (a long meeting would otherwise keep every frame). */
  discardFramesBefore(index: number): void {
    const drop = Math.min(Math.max(0, index - this.firstStored), this.storedFrames);
    if (drop === 0) return;
    this.store.copyWithin(0, drop * this.numBins, this.storedFrames * this.numBins);
    this.firstStored += drop;
    this.storedFrames -= drop;
  }

  private checkRange(start: number, count: number): void {
    if (!Number.isInteger(start) || !Number.isInteger(count) || count < 0) {
      throw new RangeError(`bad frame range ${start} + ${count}`);
    }
    if (start < this.firstStored || start + count > this.framesReady) {
      throw new RangeError(
        `frames ${start} … ${start + count - 1} not available (held: ${this.firstStored} … ${this.framesReady - 1})`,
      );
    }
  }

  private computeUpTo(target: number): void {
    const nb = this.numBins;
    const total = this.numSamples;
    for (let t = this.framesReady; t < target; t++) {
      this.ensureStoreCapacity((this.storedFrames + 1) * nb);
      this.computer.computeFrame(
        this.buffer,
        this.bufStart,
        this.bufLength,
        total,
        t,
        this.store,
        this.storedFrames * nb,
      );
      this.storedFrames++;
    }
  }

  /**
   * Forgets samples no future frame reads. Frame m ≥ 1 only reads [s0, N) even when it reflects at the end
   * (its reflected indices stay ≥ s0), and frame 0 keeps everything from sample 0 until it is computed.
   */
  private dropConsumedSamples(): void {
    const keepFrom = Math.max(0, firstSampleOfFrame(this.framesReady, this.computer.geometry));
    const drop = Math.min(keepFrom - this.bufStart, this.bufLength);
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.bufLength);
    this.bufStart += drop;
    this.bufLength -= drop;
  }

  private ensureBufferCapacity(needed: number): void {
    if (needed <= this.buffer.length) return;
    const grown = new Float32Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.bufLength));
    this.buffer = grown;
  }

  private ensureStoreCapacity(needed: number): void {
    if (needed <= this.store.length) return;
    const grown = new Float32Array(Math.max(needed, this.store.length * 2));
    grown.set(this.store.subarray(0, this.storedFrames * this.numBins));
    this.store = grown;
  }
}
