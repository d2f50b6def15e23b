/**
 * Signal front-end throughput, as multiples of real time on one core (JS runs these on one thread):
 * Kaldi fbank (batch and 20 ms streaming), SenseVoice fbank + LFR + CMVN, Whisper log-mel (80 / 128 bins).
 * Budget from issue 5: fbank >= 500x real time.
 */
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  applyCmvn,
  applyLfr,
  computeFbank,
  FbankComputer,
  StreamingFbank,
  WHISPER_N_SAMPLES,
  WhisperMelExtractor,
} from '../../main/dsp';
import { DSP_FIXTURES, readWav16 } from '../fixtures/dsp/load';
import type { BenchReport } from './run';

const SAMPLE_RATE = 16000;
const SECONDS = 60;
const RUNS = 7;

/** 60 s of real speech and the chirp, tiled, with a little noise so no two tiles are identical. */
function benchAudio(): Float32Array {
  const clips = ['speech-en-gb-f2.wav', 'speech-en-us-m3.wav', 'chirp-noise.wav'].map(
    (f) => readWav16(join(DSP_FIXTURES, f)).samples,
  );
  const out = new Float32Array(SECONDS * SAMPLE_RATE);
  let pos = 0;
  let seed = 12345;
  for (let k = 0; pos < out.length; k++) {
    const clip = clips[k % clips.length]!;
    for (let i = 0; i < clip.length && pos < out.length; i++, pos++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      out[pos] = clip[i]! + (seed / 2 ** 32 - 0.5) * 1e-3;
    }
  }
  return out;
}

interface Timing {
  /** Median wall-clock seconds. */
  wall: number;
  /** Median CPU seconds of this process (user + system): the cost on one core, whatever else the machine runs. */
  cpu: number;
}

/** Medians of `runs` calls after one warm-up call. */
function measure(runs: number, fn: () => void): Timing {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<BenchReport> {
  const audio = benchAudio();
  const audioSeconds = audio.length / SAMPLE_RATE;
  let sink = 0;

  const zipformer = new FbankComputer('zipformer');
  const batch = measure(RUNS, () => {
    sink += computeFbank(audio, zipformer).numFrames;
  });

  const streaming = measure(RUNS, () => {
    const s = new StreamingFbank(zipformer);
    for (let i = 0; i < audio.length; i += 320) {
      s.acceptWaveform(audio.subarray(i, i + 320));
      // A consumer takes frames as they come, so the stream holds only a few.
      s.discardFramesBefore(s.framesReady);
    }
    s.inputFinished();
    sink += s.framesReady;
  });

  const senseVoice = new FbankComputer('senseVoice');
  const negMean = new Float32Array(560).fill(-8);
  const invStddev = new Float32Array(560).fill(0.25);
  const senseVoiceFull = measure(RUNS, () => {
    const lfr = applyLfr(computeFbank(audio, senseVoice), 7, 6);
    applyCmvn(lfr, { negMean, invStddev });
    sink += lfr.numFrames;
  });

  // Whisper: two full 30 s windows (no zero padding, so no silent-frame shortcut).
  const whisperTimes: Record<80 | 128, Timing> = { 80: { wall: 0, cpu: 0 }, 128: { wall: 0, cpu: 0 } };
  for (const bins of [80, 128] as const) {
    const ex = new WhisperMelExtractor(bins);
    const out = new Float32Array(bins * 3000);
    whisperTimes[bins] = measure(RUNS, () => {
      ex.compute(audio.subarray(0, WHISPER_N_SAMPLES), out);
      ex.compute(audio.subarray(WHISPER_N_SAMPLES), out);
      sink += out[0]!;
    });
  }

  const x = (t: Timing): { wall: number; cpu: number } => ({
    wall: audioSeconds / t.wall,
    cpu: audioSeconds / t.cpu,
  });
  const fbank = x(batch);
  const figures: BenchReport['figures'] = {
    'audio.seconds': audioSeconds,
    'fbank.zipformer.batch.xRealtime.cpu': fbank.cpu,
    'fbank.zipformer.batch.xRealtime.wall': fbank.wall,
    'fbank.zipformer.streaming20ms.xRealtime.cpu': x(streaming).cpu,
    'fbank.zipformer.streaming20ms.xRealtime.wall': x(streaming).wall,
    'fbank.senseVoice+lfr+cmvn.xRealtime.cpu': x(senseVoiceFull).cpu,
    'fbank.senseVoice+lfr+cmvn.xRealtime.wall': x(senseVoiceFull).wall,
    'whisperMel80.xRealtime.cpu': x(whisperTimes[80]).cpu,
    'whisperMel80.xRealtime.wall': x(whisperTimes[80]).wall,
    'whisperMel128.xRealtime.cpu': x(whisperTimes[128]).cpu,
    'whisperMel128.xRealtime.wall': x(whisperTimes[128]).wall,
    'os.loadavg1': os.loadavg()[0]!,
  };
  if (!Number.isFinite(sink)) figures['sink'] = sink;
  return {
    figures,
    budgets: [
      {
        name: 'fbank (zipformer preset) x real time, one core (CPU time)',
        value: fbank.cpu,
        limit: 500,
        kind: 'min',
        unit: 'x',
      },
    ],
    notes: [
      `median of ${RUNS} runs after one warm-up, ${audioSeconds} s of audio, single thread`,
      '.cpu figures divide by the CPU time of this process (the cost on one core); .wall figures by elapsed ' +
        'time, which also counts waiting for a core on a shared machine (see os.loadavg1)',
    ],
  };
}
