import { MdfCanceller } from './mdf';
import type { MdfStats } from './mdf';
import { ResidualSuppressor } from './suppressor';

export interface EchoCancellerOptions {
  /** Default 16000 (the app's frame format). */
  sampleRate?: number;
  /** Internal block (power of two). Default 256 (16 ms). Latency is one block, two with suppression. */
  blockSize?: number;
  /** Echo tail the adaptive filter covers after the bulk delay. Default 256 ms (16 partitions of 256). */
  tailMs?: number;
  /** Largest reference-to-echo delay the estimator searches. Default 800 ms. */
  maxDelayMs?: number;
  /** Blocks kept between the estimated delay and the filter start. Default 2 (32 ms). */
  delayMarginBlocks?: number;
  /** Known fixed bulk delay instead of estimating it (rounded down to whole blocks). */
  fixedDelayMs?: number;
  /** Start bypassed (headphones: there is no echo to cancel). */
  bypass?: boolean;
  /**
   * Residual-echo post-filter: attenuates bins where the adaptive filter's own uncertainty says echo remains, by at
   * most `suppressionFloorDb` (mild by design: the near-end is preserved). Costs one more block of latency.
   * Default on, -12 dB. `false` turns it off.
   */
  suppression?: boolean;
  suppressionFloorDb?: number;
}

export interface EchoCancellerStats extends MdfStats {
  bypass: boolean;
  /** Output lags input by this many samples (block FIFO, plus the post-filter's hop when suppression is on). */
  latencySamples: number;
}

/**
 * Reference-based echo canceller for the microphone channel, with the system channel as reference.
 * Frames of any length go in (the app uses 20 ms = 320 samples) and the same number of cleaned samples come out,
 * `latencySamples` later (32 ms by default); the latency is the same in bypass, so timestamps never jump.
 * Pure TypeScript, no allocation per frame when the caller passes `out`.
 *
 * The two frames passed to one `process` call must be captured at the same time; the echo's delay relative to
 * the reference is estimated inside (it must be positive: the echo cannot precede its source).
 */
export class EchoCanceller {
  readonly sampleRate: number;
  readonly latencySamples: number;
  private readonly mdf: MdfCanceller;
  private readonly suppressor: ResidualSuppressor | null;
  private readonly cleanBlock: Float32Array;
  private readonly block: number;
  private readonly micBlock: Float32Array;
  private readonly refBlock: Float32Array;
  private filled = 0;
  private outRing: Float32Array;
  private outRead = 0;
  private outCount: number;
  private readonly outBlock: Float32Array;
  private bypassed: boolean;

  constructor(options: EchoCancellerOptions = {}) {
    const sampleRate = options.sampleRate ?? 16_000;
    const block = options.blockSize ?? 256;
    const samplesPerMs = sampleRate / 1000;
    const partitions = Math.max(1, Math.ceil(((options.tailMs ?? 256) * samplesPerMs) / block));
    const maxDelayBlocks = Math.max(0, Math.round(((options.maxDelayMs ?? 800) * samplesPerMs) / block));
    const fixedDelayBlocks =
      options.fixedDelayMs === undefined
        ? undefined
        : Math.max(0, Math.floor((options.fixedDelayMs * samplesPerMs) / block));
    this.sampleRate = sampleRate;
    this.block = block;
    const suppression = options.suppression ?? true;
    this.suppressor = suppression ? new ResidualSuppressor(block) : null;
    this.latencySamples = block + (this.suppressor?.latencySamples ?? 0);
    this.mdf = new MdfCanceller({
      blockSize: block,
      partitions,
      sampleRate,
      maxDelayBlocks,
      delayMarginBlocks: options.delayMarginBlocks ?? 2,
      fixedDelayBlocks,
      suppressionFloor: 10 ** ((options.suppressionFloorDb ?? -12) / 20),
    });
    this.micBlock = new Float32Array(block);
    this.refBlock = new Float32Array(block);
    this.outBlock = new Float32Array(block);
    this.cleanBlock = new Float32Array(block);
    // The FIFO starts with one block of silence: after any input, at least as many samples are ready.
    this.outCount = block;
    this.outRing = new Float32Array(4 * this.latencySamples);
    this.bypassed = options.bypass ?? false;
  }

  get bypass(): boolean {
    return this.bypassed;
  }

  /** Headphones: no echo, pass the mic through (same latency). Leaving bypass starts adaptation afresh. */
  setBypass(on: boolean): void {
    if (this.bypassed && !on) this.mdf.reset();
    this.bypassed = on;
  }

  stats(): EchoCancellerStats {
    return { ...this.mdf.stats(), bypass: this.bypassed, latencySamples: this.latencySamples };
  }

  /** Forgets the learnt echo path and the FIFO contents (a new capture session). */
  reset(): void {
    this.mdf.reset();
    this.suppressor?.reset();
    this.filled = 0;
    this.outRead = 0;
    this.outCount = this.block;
    this.outRing.fill(0);
  }

  /**
   * Cleans one mic frame with the reference frame captured at the same time. Returns `out` (allocated when not
   * given) holding mic.length cleaned samples.
   */
  process(mic: Float32Array, ref: Float32Array, out?: Float32Array): Float32Array {
    if (ref.length !== mic.length) {
      throw new RangeError(
        `echo canceller: mic frame has ${mic.length} samples but reference has ${ref.length}`,
      );
    }
    const result = out ?? new Float32Array(mic.length);
    if (result.length < mic.length)
      throw new RangeError('echo canceller: output buffer shorter than the frame');
    this.ensureCapacity(this.block + mic.length);
    const n = this.block;
    let offset = 0;
    while (offset < mic.length) {
      const take = Math.min(n - this.filled, mic.length - offset);
      // Element copies rather than set(subarray()): no view objects allocated per block.
      const micBlock = this.micBlock;
      const refBlock = this.refBlock;
      for (let i = 0; i < take; i++) {
        micBlock[this.filled + i] = mic[offset + i]!;
        refBlock[this.filled + i] = ref[offset + i]!;
      }
      this.filled += take;
      offset += take;
      if (this.filled < n) break;
      this.filled = 0;
      this.processBlock();
      this.pushOut(this.outBlock);
    }
    this.popOut(result, mic.length);
    return result;
  }

  private processBlock(): void {
    const suppressor = this.suppressor;
    if (this.bypassed) {
      // Same path length as when active, so switching never shifts timestamps.
      if (suppressor) suppressor.process(this.micBlock, null, this.outBlock);
      else this.outBlock.set(this.micBlock);
      return;
    }
    if (!suppressor) {
      this.mdf.processBlock(this.micBlock, 0, this.refBlock, 0, this.outBlock, 0);
      return;
    }
    this.mdf.processBlock(this.micBlock, 0, this.refBlock, 0, this.cleanBlock, 0);
    suppressor.process(this.cleanBlock, this.mdf.suppressionGains, this.outBlock);
  }

  private ensureCapacity(needed: number): void {
    if (this.outRing.length >= needed) return;
    let size = this.outRing.length;
    while (size < needed) size *= 2;
    const grown = new Float32Array(size);
    for (let i = 0; i < this.outCount; i++)
      grown[i] = this.outRing[(this.outRead + i) % this.outRing.length]!;
    this.outRing = grown;
    this.outRead = 0;
  }

  private pushOut(samples: Float32Array): void {
    const ring = this.outRing;
    let w = (this.outRead + this.outCount) % ring.length;
    for (let i = 0; i < samples.length; i++) {
      ring[w] = samples[i]!;
      if (++w === ring.length) w = 0;
    }
    this.outCount += samples.length;
  }

  private popOut(dst: Float32Array, count: number): void {
    const ring = this.outRing;
    let r = this.outRead;
    for (let i = 0; i < count; i++) {
      dst[i] = ring[r]!;
      if (++r === ring.length) r = 0;
    }
    this.outRead = r;
    this.outCount -= count;
  }
}
