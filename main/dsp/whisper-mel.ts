/**
 * Whisper log-mel spectrogram, OpenAI `whisper/audio.py` (MODELS.md §5.6, normative):
 * pad/trim to 30 s, centred STFT (n_fft 400, hop 160, periodic Hann, reflect padding 200), drop the last
 * frame, |X|², librosa Slaney mel (80 or 128 bins, 0–8000 Hz, area-normalised), log10(max(S, 1e−10)),
 * clamp to (global max − 8), (x + 4)/4. Output is channels-first [numMelBins, 3000].
 */
import { RealFft } from './fft';
import type { SparseMelBank } from './mel';
import { applyMelBank, slaneyMelBank } from './mel';
import { makeWindow } from './window';

export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP = 160;
/** 30 s at 16 kHz. */
export const WHISPER_N_SAMPLES = 480_000;
/** WHISPER_N_SAMPLES / WHISPER_HOP. */
export const WHISPER_N_FRAMES = 3000;

export interface WhisperMel {
  /** data[b * numFrames + t]: the [1, numMelBins, 3000] input tensor's payload. */
  data: Float32Array;
  numMelBins: number;
  numFrames: number;
}

export class WhisperMelExtractor {
  readonly numMelBins: number;
  private readonly fft = new RealFft(WHISPER_N_FFT);
  private readonly window = makeWindow('hann', WHISPER_N_FFT);
  private readonly melBank: SparseMelBank;
  private readonly padded = new Float32Array(WHISPER_N_SAMPLES + WHISPER_N_FFT);
  private readonly frame = new Float64Array(WHISPER_N_FFT);
  private readonly power = new Float64Array(WHISPER_N_FFT / 2 + 1);
  private readonly energies: Float64Array;
  private readonly logMel: Float64Array;

  constructor(numMelBins: 80 | 128 = 80) {
    if (numMelBins !== 80 && numMelBins !== 128)
      throw new RangeError(`Whisper uses 80 or 128 mel bins, not ${numMelBins}`);
    this.numMelBins = numMelBins;
    this.melBank = slaneyMelBank({
      numBins: numMelBins,
      sampleRate: WHISPER_SAMPLE_RATE,
      fftSize: WHISPER_N_FFT,
      lowFreq: 0,
      highFreq: WHISPER_SAMPLE_RATE / 2,
      slaneyNorm: true,
    });
    this.energies = new Float64Array(numMelBins);
    this.logMel = new Float64Array(numMelBins * WHISPER_N_FRAMES);
  }

  /** Log-mel of the first 30 s of `samples` (float in [−1, 1]); shorter input is zero-padded to 30 s. */
  compute(samples: Float32Array, out?: Float32Array): WhisperMel {
    const nb = this.numMelBins;
    const size = nb * WHISPER_N_FRAMES;
    const data = out ?? new Float32Array(size);
    if (data.length < size) throw new RangeError(`output needs ${size} values`);

    // padded[j] = x[j − 200] with torch.stft's reflect mode at both ends (x[−i] = x[i], x[N−1+i] = x[N−1−i]).
    const pad = WHISPER_N_FFT / 2;
    const n = WHISPER_N_SAMPLES;
    const p = this.padded;
    const used = Math.min(samples.length, n);
    p.fill(0);
    p.set(samples.subarray(0, used), pad);
    for (let i = 1; i <= pad; i++) {
      p[pad - i] = p[pad + i]!;
      p[pad + n - 1 + i] = p[pad + n - 1 - i]!;
    }

    const logMel = this.logMel;
    const frame = this.frame;
    const w = this.window;
    let globalMax = -Infinity;
    for (let t = 0; t < WHISPER_N_FRAMES; t++) {
      const start = t * WHISPER_HOP;
      let silent = true;
      for (let i = 0; i < WHISPER_N_FFT; i++) {
        const v = p[start + i]!;
        if (v !== 0) silent = false;
        frame[i] = v * w[i]!;
      }
      if (silent) {
        // An all-zero frame has zero power: log10(1e−10) exactly, without the FFT (most of a short clip's window).
        for (let b = 0; b < nb; b++) logMel[b * WHISPER_N_FRAMES + t] = -10;
        if (-10 > globalMax) globalMax = -10;
        continue;
      }
      this.fft.powerSpectrum(frame, this.power);
      applyMelBank(this.melBank, this.power, this.energies);
      for (let b = 0; b < nb; b++) {
        const e = this.energies[b]!;
        const l = Math.log10(e > 1e-10 ? e : 1e-10);
        logMel[b * WHISPER_N_FRAMES + t] = l;
        if (l > globalMax) globalMax = l;
      }
    }
    const floor = globalMax - 8;
    for (let i = 0; i < size; i++) {
      const l = logMel[i]!;
      data[i] = ((l > floor ? l : floor) + 4) / 4;
    }
    return { data, numMelBins: nb, numFrames: WHISPER_N_FRAMES };
  }
}

/** One-shot convenience; reuse a WhisperMelExtractor when computing many windows. */
export function whisperLogMel(samples: Float32Array, numMelBins: 80 | 128 = 80): WhisperMel {
  return new WhisperMelExtractor(numMelBins).compute(samples);
}
