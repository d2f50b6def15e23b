import { describe, expect, it } from 'vitest';
import {
  computeFbank,
  FbankComputer,
  FLT_EPSILON,
  frameGeometry,
  resolveFbankOptions,
  StreamingFbank,
} from '../../../main/dsp';

const EDGE_LENGTHS = [
  0, 1, 79, 80, 81, 239, 240, 279, 280, 399, 400, 401, 439, 440, 559, 560, 561, 16000, 16079, 16080,
];

/** MODELS.md §1.2 formulas, written independently of the implementation. */
const expectedFrames = (n: number, snip: boolean): number =>
  snip ? (n < 400 ? 0 : 1 + Math.floor((n - 400) / 160)) : Math.floor((n + 80) / 160);
const expectedReadyWhileStreaming = (n: number, snip: boolean): number => {
  let m = 0;
  // Frame m is ready once its last sample s0 + 400 has arrived.
  while ((snip ? m * 160 : m * 160 - 120) + 400 <= n && m < expectedFrames(n, snip)) m++;
  return m;
};

function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5 + ((i * 7919) % 13) / 100);
}

describe('frame counts (MODELS.md §1.2)', () => {
  for (const snipEdges of [true, false]) {
    for (const n of EDGE_LENGTHS) {
      it(`snipEdges ${snipEdges}, N = ${n}: batch and streaming counts follow the formula`, () => {
        const opts = { ...resolveFbankOptions('zipformer'), snipEdges };
        expect(computeFbank(ramp(n), opts).numFrames).toBe(expectedFrames(n, snipEdges));
        const s = new StreamingFbank(opts);
        s.acceptWaveform(ramp(n));
        expect(s.framesReady).toBe(expectedReadyWhileStreaming(n, snipEdges));
        s.inputFinished();
        expect(s.framesReady).toBe(expectedFrames(n, snipEdges));
      });
    }
  }

  it('makes frame m ready exactly when sample s0 + 400 arrives (snipEdges false)', () => {
    const s = new StreamingFbank('zipformer');
    const x = ramp(1000);
    const readyAt: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const before = s.framesReady;
      s.acceptWaveform(x.subarray(i, i + 1));
      if (s.framesReady > before) readyAt.push(i + 1);
    }
    // s0 = 160m − 120, so frame m needs N >= 160m + 280.
    expect(readyAt).toEqual([280, 440, 600, 760, 920]);
  });

  it('uses 25 ms / 10 ms → 400 / 160 samples padded to 512 at 16 kHz', () => {
    expect(frameGeometry(resolveFbankOptions('zipformer'))).toEqual({
      windowSize: 400,
      windowShift: 160,
      paddedSize: 512,
      snipEdges: false,
    });
  });
});

describe('fbank edge behaviour', () => {
  it('reflects around both ends for snipEdges false: frame 0 equals a frame built from the mirrored samples', () => {
    const x = ramp(2000);
    const batch = computeFbank(x, 'zipformer');
    // Frame 0 covers samples −120 … 279; Kaldi reflection maps −1 → 0, −120 → 119.
    const mirrored = new Float32Array(400);
    for (let i = 0; i < 400; i++) {
      const s = i - 120;
      mirrored[i] = x[s < 0 ? -s - 1 : s]!;
    }
    const snipped = computeFbank(mirrored, { ...resolveFbankOptions('zipformer'), snipEdges: true });
    expect(Array.from(batch.data.subarray(0, 80))).toEqual(Array.from(snipped.data.subarray(0, 80)));
    // The last frame reaches past the end: i >= N → 2N − 1 − i.
    const last = batch.numFrames - 1;
    const s0 = 160 * last - 120;
    const tail = new Float32Array(400);
    for (let i = 0; i < 400; i++) {
      const s = s0 + i;
      tail[i] = x[s >= x.length ? 2 * x.length - 1 - s : s]!;
    }
    const tailFrame = computeFbank(tail, { ...resolveFbankOptions('zipformer'), snipEdges: true });
    expect(Array.from(batch.data.subarray(last * 80, last * 80 + 80))).toEqual(Array.from(tailFrame.data));
  });

  it('floors silent frames at ln(FLT_EPSILON)', () => {
    const f = computeFbank(new Float32Array(1600), 'senseVoice');
    expect(f.numFrames).toBe(8);
    for (const v of f.data) expect(v).toBe(Math.fround(Math.log(FLT_EPSILON)));
  });

  it('applies sampleScale: ×32768 adds 2·ln(32768) to every non-floored value', () => {
    const x = ramp(4000);
    const a = computeFbank(x, { ...resolveFbankOptions('zipformer'), sampleScale: 1 });
    const b = computeFbank(x, { ...resolveFbankOptions('zipformer'), sampleScale: 32768 });
    for (let i = 0; i < a.data.length; i++)
      expect(b.data[i]! - a.data[i]!).toBeCloseTo(2 * Math.log(32768), 4);
  });

  it('never lets the Nyquist bin into a Kaldi mel filter (knf uses FFT bins 0 … n/2 − 1)', () => {
    // 400-point frames without padding, rectangular window, no DC removal or pre-emphasis: a tone at
    // exactly Nyquist (±0.5 alternating) has all its energy in FFT bin 200, a 7960 Hz tone in bin 199.
    const base = {
      windowType: 'rectangular' as const,
      snipEdges: true,
      removeDcOffset: false,
      preemphCoeff: 0,
      lowFreq: 0,
      highFreq: 0,
      roundToPowerOfTwo: false,
      numMelBins: 10,
    };
    const floor = Math.fround(Math.log(FLT_EPSILON));
    const nyquist = Float32Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0.5 : -0.5));
    expect(Math.max(...computeFbank(nyquist, base).data)).toBe(floor);
    const below = Float32Array.from({ length: 400 }, (_, i) => Math.cos(Math.PI * i * (199 / 200)));
    expect(computeFbank(below, base).data[9]).toBeGreaterThan(floor + 10);
  });
});

describe('fbank options', () => {
  it('has the MODELS.md §1.1 presets', () => {
    const pick = (name: Parameters<typeof resolveFbankOptions>[0]) => {
      const o = resolveFbankOptions(name);
      return [
        o.numMelBins,
        o.windowType,
        o.snipEdges,
        o.removeDcOffset,
        o.lowFreq,
        o.highFreq,
        o.melScale,
        o.sampleScale,
      ];
    };
    expect(pick('zipformer')).toEqual([80, 'povey', false, true, 20, -400, 'kaldi', 1]);
    expect(pick('senseVoice')).toEqual([80, 'hamming', true, true, 20, 0, 'kaldi', 32768]);
    expect(pick('speaker3d')).toEqual([80, 'povey', false, true, 20, -400, 'kaldi', 1]);
    expect(pick('wespeaker')).toEqual([80, 'povey', false, true, 20, -400, 'kaldi', 32768]);
    expect(pick('parakeet')).toEqual([128, 'povey', false, false, 0, -400, 'slaney', 1]);
    for (const name of ['zipformer', 'senseVoice', 'speaker3d', 'wespeaker', 'parakeet'] as const) {
      const o = resolveFbankOptions(name);
      expect([o.dither, o.preemphCoeff, o.frameLengthMs, o.frameShiftMs, o.sampleRate]).toEqual([
        0, 0.97, 25, 10, 16000,
      ]);
    }
  });

  it('rejects dither, unknown windows and impossible bands', () => {
    expect(() => new FbankComputer({ dither: 1 })).toThrow(/dither/);
    expect(() => new FbankComputer({ windowType: 'kaiser' as never })).toThrow(/window/);
    expect(() => new FbankComputer({ lowFreq: 7000, highFreq: -1500 })).toThrow(/band/);
    expect(() => new FbankComputer({ highFreq: 9000 })).toThrow(/band/);
    expect(() => new FbankComputer({ numMelBins: 300 })).toThrow(/empty/);
    expect(() => resolveFbankOptions('nope' as never)).toThrow(/preset/);
  });
});
