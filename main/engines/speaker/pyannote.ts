/**
 * pyannote segmentation-3.0 (sherpa export), MODELS.md §6.5 steps 1, 2 and the frame->time
 * mapping of step 6: sliding 10 s windows with a 1 s shift, powerset decoding of `y` [N, 589, 7]
 * into per-frame active local speakers, and active spans per local speaker (optionally only where
 * it speaks alone: §6.5 step 4 embeds exactly those samples). Cross-chunk aggregation (steps 3
 * and 6's overlap-averaged speaker count) is left to the caller: each chunk's local speakers are
 * meant to be embedded and clustered with the same code as the live path (recluster.ts).
 */
import { access } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { readOnnxInfo } from '../../models/onnx-metadata';
import { SpeakerModelError } from './extractor';

export interface PyannoteConfig {
  sampleRate: number;
  /** Samples per window (160000 = 10 s). */
  windowSize: number;
  receptiveFieldSize: number;
  receptiveFieldShift: number;
  numSpeakers: number;
  /** Speaker subset per powerset class, e.g. [[], [0], [1], [2], [0,1], [0,2], [1,2]]. */
  powerset: number[][];
}

/** Classes in pyannote's order: the empty set, then subsets by size, each size in lexicographic order. */
export function powersetClasses(numSpeakers: number, maxSet: number): number[][] {
  const out: number[][] = [[]];
  const grow = (size: number, start: number, acc: number[]) => {
    if (acc.length === size) {
      out.push([...acc]);
      return;
    }
    for (let s = start; s < numSpeakers; s++) grow(size, s + 1, [...acc, s]);
  };
  for (let size = 1; size <= maxSet; size++) grow(size, 0, []);
  return out;
}

export function pyannoteConfigFromMetadata(file: string, metadata: Record<string, string>): PyannoteConfig {
  const int = (key: string): number => {
    const v = Number(metadata[key]);
    if (metadata[key] === undefined || !Number.isInteger(v) || v <= 0)
      throw new SpeakerModelError('MODEL_INCOMPATIBLE', file, `metadata key '${key}' is missing or invalid`);
    return v;
  };
  const numSpeakers = int('num_speakers');
  const powerset = powersetClasses(numSpeakers, int('powerset_max_classes'));
  if (powerset.length !== int('num_classes'))
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `num_classes does not match a ${numSpeakers}-speaker powerset`,
    );
  return {
    sampleRate: int('sample_rate'),
    windowSize: int('window_size'),
    receptiveFieldSize: int('receptive_field_size'),
    receptiveFieldShift: int('receptive_field_shift'),
    numSpeakers,
    powerset,
  };
}

/** Argmax class per frame -> activity[frame * numSpeakers + s] = 1 when local speaker s is active. */
export function decodePowerset(y: ArrayLike<number>, frames: number, config: PyannoteConfig): Uint8Array {
  const classes = config.powerset.length;
  const out = new Uint8Array(frames * config.numSpeakers);
  for (let f = 0; f < frames; f++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (y[f * classes + c]! > y[f * classes + best]!) best = c;
    for (const s of config.powerset[best]!) out[f * config.numSpeakers + s] = 1;
  }
  return out;
}

/** Centre of frame f's receptive field in seconds (sherpa: t·270/16000 + 0.5·991/16000). */
export function frameTime(f: number, config: PyannoteConfig): number {
  return (f * config.receptiveFieldShift + 0.5 * config.receptiveFieldSize) / config.sampleRate;
}

export interface SpanOptions {
  /** Drop active spans shorter than this (pyannote min_duration_on; sherpa 0.3 s). */
  minOnMs?: number;
  /** Fill gaps shorter than this first (pyannote min_duration_off; sherpa 0.5 s). */
  minOffMs?: number;
  /** Only frames where this speaker is the only one active (embedding input, §6.5 step 4). */
  alone?: boolean;
}

/**
 * Spans (ms, relative to the chunk start) where local speaker `s` is active. A frame covers one
 * shift starting at its centre time. Gaps are filled before short spans are dropped (pyannote's
 * Binarize order).
 */
export function activeSpans(
  activity: Uint8Array,
  frames: number,
  s: number,
  config: PyannoteConfig,
  options: SpanOptions = {},
): { startMs: number; endMs: number }[] {
  const n = config.numSpeakers;
  const on = (f: number) => {
    if (!activity[f * n + s]) return false;
    if (!options.alone) return true;
    for (let o = 0; o < n; o++) if (o !== s && activity[f * n + o]) return false;
    return true;
  };
  const shiftMs = (config.receptiveFieldShift / config.sampleRate) * 1000;
  const spans: { startMs: number; endMs: number }[] = [];
  for (let f = 0; f < frames; f++) {
    if (!on(f)) continue;
    let g = f;
    while (g + 1 < frames && on(g + 1)) g++;
    spans.push({ startMs: frameTime(f, config) * 1000, endMs: frameTime(g, config) * 1000 + shiftMs });
    f = g;
  }
  const merged: typeof spans = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.startMs - last.endMs < (options.minOffMs ?? 500)) last.endMs = span.endMs;
    else merged.push({ ...span });
  }
  return merged.filter((x) => x.endMs - x.startMs >= (options.minOnMs ?? 300));
}

/** Window starts (samples): every shiftRatio x window; the last window reaches the end (zero-padded). */
export function chunkStarts(numSamples: number, windowSize: number, shiftRatio = 0.1): number[] {
  const shift = Math.max(1, Math.round(windowSize * shiftRatio));
  const starts = [0];
  while (starts[starts.length - 1]! + windowSize < numSamples)
    starts.push(starts[starts.length - 1]! + shift);
  return starts;
}

export interface SegmentationChunk {
  offsetSamples: number;
  frames: number;
  /** [frames x numSpeakers] 0/1 */
  activity: Uint8Array;
}

type Ort = typeof import('onnxruntime-node');

export class PyannoteSegmenter {
  private readonly inputName: string;
  private readonly outputName: string;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly file: string,
    readonly config: PyannoteConfig,
  ) {
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
  }

  static async load(file: string, options: { intraOpNumThreads?: number } = {}): Promise<PyannoteSegmenter> {
    try {
      await access(file);
    } catch {
      throw new SpeakerModelError('MODEL_MISSING', file, 'file not found');
    }
    let metadata: Record<string, string>;
    try {
      metadata = (await readOnnxInfo(file)).metadata;
    } catch (error) {
      throw new SpeakerModelError(
        'MODEL_INVALID',
        file,
        `not a readable ONNX model (${(error as Error).message})`,
      );
    }
    const config = pyannoteConfigFromMetadata(file, metadata);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
    });
    return new PyannoteSegmenter(ort, session, file, config);
  }

  /** Runs every window over 16 kHz audio in [-1, 1] (raw waveform, §0.4). */
  async segment(samples: Float32Array): Promise<SegmentationChunk[]> {
    const { windowSize } = this.config;
    const chunks: SegmentationChunk[] = [];
    for (const offset of chunkStarts(samples.length, windowSize)) {
      const window = new Float32Array(windowSize);
      window.set(samples.subarray(offset, Math.min(samples.length, offset + windowSize)));
      const out = await this.session.run({
        [this.inputName]: new this.ort.Tensor('float32', window, [1, 1, windowSize]),
      });
      const y = out[this.outputName]!;
      const frames = y.dims[1]!;
      if (y.dims[2] !== this.config.powerset.length)
        throw new SpeakerModelError(
          'MODEL_INCOMPATIBLE',
          this.file,
          `output has ${y.dims[2]} classes, expected ${this.config.powerset.length}`,
        );
      chunks.push({
        offsetSamples: offset,
        frames,
        activity: decodePowerset(y.data as Float32Array, frames, this.config),
      });
    }
    return chunks;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
