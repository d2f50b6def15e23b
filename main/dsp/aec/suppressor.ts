import { RealFft } from '../fft';
import { RealInverseFft } from './real-ifft';

/**
 * Residual-echo post-filter: weighted overlap-add with a √Hann window (50 % overlap, 2N frame, hop N), one real
 * gain per bin. √Hann analysis × √Hann synthesis sums to exactly 1 at this overlap, so unit gains give back the
 * input, N samples late. Allocation-free.
 */
export class ResidualSuppressor {
  readonly latencySamples: number;
  private readonly N: number;
  private readonly fft: RealFft;
  private readonly ifft: RealInverseFft;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly prev: Float64Array;
  private readonly overlap: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(blockSize: number) {
    const N = blockSize;
    const M = 2 * N;
    this.N = N;
    this.latencySamples = N;
    this.fft = new RealFft(M);
    this.ifft = new RealInverseFft(M);
    this.window = new Float64Array(M);
    for (let i = 0; i < M; i++) this.window[i] = Math.sin((Math.PI * i) / M);
    this.frame = new Float64Array(M);
    this.prev = new Float64Array(N);
    this.overlap = new Float64Array(N);
    this.re = new Float64Array(N + 1);
    this.im = new Float64Array(N + 1);
  }

  reset(): void {
    this.prev.fill(0);
    this.overlap.fill(0);
  }

  /** Filters one block; `gains` (bins 0…N) null means unit gain. Writes the block from one hop earlier to `out`. */
  process(input: Float32Array, gains: Float64Array | null, out: Float32Array): void {
    const { N, frame, window, prev, overlap, re, im } = this;
    for (let i = 0; i < N; i++) {
      frame[i] = prev[i]! * window[i]!;
      const v = input[i]!;
      frame[N + i] = v * window[N + i]!;
      prev[i] = v;
    }
    this.fft.forward(frame, re, im);
    if (gains) {
      for (let k = 0; k <= N; k++) {
        re[k] = re[k]! * gains[k]!;
        im[k] = im[k]! * gains[k]!;
      }
    }
    this.ifft.inverse(re, im, frame);
    for (let i = 0; i < N; i++) {
      out[i] = overlap[i]! + frame[i]! * window[i]!;
      overlap[i] = frame[N + i]! * window[N + i]!;
    }
  }
}
