/**
 * Latency of the live transcript as this window sees it (issue 8 item 6: the debug panel). Every transcript
 * event carries the meeting time of the audio it covers (`captureMs`) and the backend's wall clock when it
 * left (`emittedAt`); finals also carry when their endpoint was decided (`endpointAt`). From those:
 *
 *  - audio -> partial: how far the newest recorded audio is ahead of the audio a partial covers, at the
 *    moment the partial arrives (meeting ms; needs this window's recorded time, so only while it captures);
 *  - endpoint -> final: emittedAt - endpointAt (final pass, speaker, emotion, echo guard and the commit);
 *  - delivery: arrival here - emittedAt (IPC and the renderer's event loop; same machine, same clock).
 *
 * Pure bookkeeping in fixed-size rings, so recording a sample costs nothing next to rendering a partial.
 */
export type LatencyMetric = 'audioToPartial' | 'endpointToFinal' | 'delivery';

export const LATENCY_METRICS: readonly LatencyMetric[] = ['audioToPartial', 'endpointToFinal', 'delivery'];

export const LATENCY_LABELS: Readonly<Record<LatencyMetric, string>> = {
  audioToPartial: 'Audio → partial',
  endpointToFinal: 'Endpoint → final',
  delivery: 'Backend → window',
};

export interface LatencySummary {
  count: number;
  last: number;
  p50: number;
  p95: number;
  max: number;
}

/** Enough for stable percentiles over the last minute or two of speech. */
const WINDOW = 256;

class Ring {
  private readonly values = new Float64Array(WINDOW);
  private next = 0;
  private size = 0;

  push(v: number): void {
    this.values[this.next] = v;
    this.next = (this.next + 1) % WINDOW;
    this.size = Math.min(WINDOW, this.size + 1);
  }

  summary(): LatencySummary | null {
    if (this.size === 0) return null;
    const sorted = Array.from(this.values.subarray(0, this.size)).sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    return {
      count: this.size,
      last: this.values[(this.next + WINDOW - 1) % WINDOW]!,
      p50: at(0.5),
      p95: at(0.95),
      max: sorted[sorted.length - 1]!,
    };
  }
}

export class LatencyMeter {
  private rings = new Map<LatencyMetric, Ring>();

  record(metric: LatencyMetric, ms: number): void {
    if (!Number.isFinite(ms)) return;
    let ring = this.rings.get(metric);
    if (!ring) this.rings.set(metric, (ring = new Ring()));
    // Clocks can disagree by a millisecond or two; a negative latency is a rounding artefact.
    ring.push(Math.max(0, ms));
  }

  /** A partial arrived at `receivedAt` while this window had recorded `recordedMs` of the meeting. */
  partial(
    event: { captureMs: number; emittedAt: number },
    receivedAt: number,
    recordedMs: number | null,
  ): void {
    if (recordedMs !== null) this.record('audioToPartial', recordedMs - event.captureMs);
    this.record('delivery', receivedAt - event.emittedAt);
  }

  final(event: { emittedAt: number; endpointAt: number }, receivedAt: number): void {
    this.record('endpointToFinal', event.emittedAt - event.endpointAt);
    this.record('delivery', receivedAt - event.emittedAt);
  }

  summary(metric: LatencyMetric): LatencySummary | null {
    return this.rings.get(metric)?.summary() ?? null;
  }

  reset(): void {
    this.rings = new Map();
  }
}
