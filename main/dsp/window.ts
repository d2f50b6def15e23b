/**
 * Analysis windows, as kaldi-native-fbank (`feature-window.cc`) and torchaudio's kaldi compliance define them.
 * Note the two Hann variants: knf's `hann` is periodic (2π/L, torch.hann_window default) while Kaldi's
 * `hanning` is symmetric (2π/(L−1)); Whisper uses the periodic one.
 */
export type WindowType = 'povey' | 'hamming' | 'hann' | 'hanning' | 'rectangular' | 'blackman';

export const WINDOW_TYPES: readonly WindowType[] = [
  'povey',
  'hamming',
  'hann',
  'hanning',
  'rectangular',
  'blackman',
];

export function makeWindow(type: WindowType, length: number, blackmanCoeff = 0.42): Float64Array {
  if (!Number.isInteger(length) || length < 2)
    throw new RangeError(`window length must be >= 2, got ${length}`);
  const w = new Float64Array(length);
  const a = (2 * Math.PI) / (length - 1);
  for (let i = 0; i < length; i++) {
    switch (type) {
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
        break;
      case 'hamming':
        w[i] = 0.54 - 0.46 * Math.cos(a * i);
        break;
      case 'hann':
        w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
        break;
      case 'hanning':
        w[i] = 0.5 - 0.5 * Math.cos(a * i);
        break;
      case 'rectangular':
        w[i] = 1;
        break;
      case 'blackman':
        w[i] = blackmanCoeff - 0.5 * Math.cos(a * i) + (0.5 - blackmanCoeff) * Math.cos(2 * a * i);
        break;
      default:
        throw new RangeError(`unknown window type: ${String(type)}`);
    }
  }
  return w;
}
