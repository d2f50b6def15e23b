import { VadSegmenter } from './segmenter';
import type { VadEvent, VadModel, VadSegmenterOptions } from './types';

/**
 * Streaming VAD front: accepts 16 kHz mono float chunks of any size, cuts them into the model's windows,
 * runs the model and the segmenter, and returns the events each chunk produced.
 *
 * Calls are serialised internally, so a caller that does not await `push` still gets the windows in order.
 */
export class VadStream {
  readonly segmenter: VadSegmenter;
  private readonly window: Float32Array;
  private filled = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private lastProbability = 0;
  private ended = false;

  constructor(
    private readonly model: VadModel,
    options: Partial<VadSegmenterOptions> = {},
  ) {
    this.segmenter = new VadSegmenter(options, model.sampleRate);
    this.window = new Float32Array(model.windowSamples);
  }

  /** Speech probability of the latest window (for meters and debugging). */
  get probability(): number {
    return this.lastProbability;
  }

  /** True while a confirmed segment is open. */
  get inSpeech(): boolean {
    return this.segmenter.inSpeech;
  }

  /**
   * Feeds a chunk and resolves with the events it completed. The chunk is read while earlier calls are still
   * queued, so the caller must not overwrite it until the returned promise settles.
   */
  push(chunk: Float32Array): Promise<VadEvent[]> {
    if (this.ended) return Promise.reject(new Error('VadStream: push() after flush(); call reset() first'));
    return this.enqueue(() => this.consume(chunk));
  }

  /**
   * End of stream: the partial last window is zero-padded and scored (as silero does), then an open segment is
   * closed with reason 'flush'. Times never extend past the samples actually pushed.
   */
  flush(): Promise<VadEvent[]> {
    this.ended = true;
    return this.enqueue(async () => {
      const events: VadEvent[] = [];
      if (this.filled > 0) {
        const real = this.filled;
        this.window.fill(0, real);
        this.filled = 0;
        this.lastProbability = await this.model.predict(this.window);
        events.push(...this.segmenter.push(this.lastProbability, real));
      }
      events.push(...this.segmenter.flush());
      return events;
    });
  }

  /** Starts a new, unrelated stream (sample times restart at 0). */
  reset(): Promise<void> {
    return this.enqueue(async () => {
      this.filled = 0;
      this.ended = false;
      this.lastProbability = 0;
      this.model.reset();
      this.segmenter.reset();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    // A failed call must not wedge the queue for the calls behind it.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async consume(chunk: Float32Array): Promise<VadEvent[]> {
    let events: VadEvent[] | undefined;
    const size = this.window.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(size - this.filled, chunk.length - offset);
      this.window.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled < size) break;
      this.filled = 0;
      this.lastProbability = await this.model.predict(this.window);
      const produced = this.segmenter.push(this.lastProbability, size);
      if (produced.length) (events ??= []).push(...produced);
    }
    return events ?? [];
  }
}
