/**
 * Synthesized meetings for the diarization tests: espeak-ng voices of different accent and pitch,
 * converted to 16 kHz mono with sox, laid end to end with known turns. Each utterance is synthesized
 * once per process into a temp directory and trimmed to its speech, so the reference turns are exact.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeFbank, FBANK_PRESETS } from '../../../main/dsp';
import {
  attributeSegment,
  embeddingWindows,
  OnlineDiarizer,
  type OnlineDiarizerOptions,
  type SpeakerEmbedder,
} from '../../../main/engines/speaker';
import { readWav16 } from '../../fixtures/dsp/load';
import { VOICE_STUB_BINS, voiceStubStatistic } from '../../fixtures/onnx/speaker-voice';
import type { Turn } from '../../tools/der';

export interface Voice {
  id: string;
  espeak: string;
  pitch: number;
  speed: number;
}

export const VOICES: Record<string, Voice> = {
  us: { id: 'us', espeak: 'en-us+m3', pitch: 35, speed: 165 },
  gb: { id: 'gb', espeak: 'en-gb+f2', pitch: 65, speed: 175 },
  scot: { id: 'scot', espeak: 'en-gb-scotland+f5', pitch: 25, speed: 150 },
  car: { id: 'car', espeak: 'en-029+f4', pitch: 80, speed: 180 },
};

export const SENTENCES = [
  'The quarterly numbers look better than we expected this time.',
  'Shipping delays are still the biggest problem for the warehouse team.',
  'Let us move on to the budget for next year.',
  'I think the marketing team should present their plan first.',
  'Could you share the slides again please, I lost the link.',
  'We need a decision by Friday at the very latest.',
  'Our customers keep asking for an offline mode on the phone.',
  'The new hires start on Monday and need laptops.',
  'I can take that action item and report back next week.',
  'Has anyone talked to the legal department about the contract?',
  'The server costs went up by twenty percent last month.',
  'Maybe we should run a small pilot before the full launch.',
  'I disagree, the data does not support that conclusion at all.',
  'Thanks everyone, that was a really productive discussion today.',
  'Please send me the summary after the meeting.',
  'The design review is moved to Thursday afternoon.',
];

const SAMPLE_RATE = 16000;
let dir: string | undefined;
const cache = new Map<string, Float32Array>();

const PREFIX = 'verbatim-speaker-';

/**
 * One temp directory per test process. Test workers may end without an 'exit' event, so (as the
 * stub cache does) each new process also sweeps the directories of processes that are gone.
 */
function workDir(): string {
  if (!dir) {
    for (const name of readdirSync(tmpdir())) {
      const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
      if (pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
    dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    const d = dir;
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Speech of `voice` saying `text`, 16 kHz float in [-1, 1], leading/trailing silence trimmed. */
export function synthesize(voice: Voice, text: string): Float32Array {
  const key = `${voice.espeak}|${voice.pitch}|${voice.speed}|${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const base = join(workDir(), `u${cache.size}`);
  execFileSync('espeak-ng', [
    '-v',
    voice.espeak,
    '-p',
    String(voice.pitch),
    '-s',
    String(voice.speed),
    '-w',
    `${base}.wav`,
    text,
  ]);
  execFileSync('sox', [`${base}.wav`, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', `${base}.16k.wav`]);
  const samples = trimSilence(readWav16(`${base}.16k.wav`).samples);
  cache.set(key, samples);
  return samples;
}

/** Cuts 10 ms frames quieter than -40 dBFS from both ends. */
export function trimSilence(x: Float32Array): Float32Array {
  const frame = 160;
  const loud = (f: number) => {
    let s = 0;
    for (let i = f * frame; i < Math.min(x.length, (f + 1) * frame); i++) s += x[i]! * x[i]!;
    return 10 * Math.log10(s / frame + 1e-12) > -40;
  };
  const frames = Math.floor(x.length / frame);
  let a = 0;
  while (a < frames && !loud(a)) a++;
  let b = frames - 1;
  while (b > a && !loud(b)) b--;
  return x.slice(a * frame, (b + 1) * frame);
}

export interface MeetingTurn {
  voice: Voice;
  text: string;
}

export interface Meeting {
  samples: Float32Array;
  /** Reference turns in seconds. */
  reference: Turn[];
  /** The final segments the ASR/VAD would hand over (here: the true turns), in ms. */
  segments: { id: string; startMs: number; endMs: number }[];
}

/**
 * Lays turns end to end with `gapMs` of near-silence (low noise, as a real channel has) between.
 * `mergeWithNext` lists turns whose final segment runs on into the next turn's (a VAD segment
 * spanning a quick speaker change), so windows inside one segment must tell voices apart.
 */
export function buildMeeting(
  turns: readonly MeetingTurn[],
  gapMs = 400,
  mergeWithNext: readonly number[] = [],
): Meeting {
  const clips = turns.map((t) => synthesize(t.voice, t.text));
  const gap = Math.round((gapMs / 1000) * SAMPLE_RATE);
  const total = clips.reduce((a, c) => a + c.length + gap, gap);
  const samples = new Float32Array(total);
  let seed = 7;
  for (let i = 0; i < total; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    samples[i] = (seed / 2 ** 32 - 0.5) * 2e-4;
  }
  const reference: Turn[] = [];
  const segments: Meeting['segments'] = [];
  let pos = gap;
  clips.forEach((clip, k) => {
    for (let i = 0; i < clip.length; i++) samples[pos + i]! += clip[i]!;
    const startMs = Math.round((pos / SAMPLE_RATE) * 1000);
    const endMs = Math.round(((pos + clip.length) / SAMPLE_RATE) * 1000);
    reference.push({ speaker: turns[k]!.voice.id, start: startMs / 1000, end: endMs / 1000 });
    const previous = segments[segments.length - 1];
    if (previous && mergeWithNext.includes(k - 1)) previous.endMs = endMs;
    else segments.push({ id: `seg${k}`, startMs, endMs });
    pos += clip.length + gap;
  });
  return { samples, reference, segments };
}

/** A meeting script: `pattern` lists voice ids per turn; sentences rotate from `offset`. */
export function script(
  pattern: readonly string[],
  offset = 0,
  extra: Record<number, string> = {},
): MeetingTurn[] {
  return pattern.map((id, k) => ({
    voice: VOICES[id]!,
    text: extra[k] ?? SENTENCES[(offset + k) % SENTENCES.length]!,
  }));
}

export function slice(samples: Float32Array, startMs: number, endMs: number): Float32Array {
  return samples.subarray(
    Math.round((startMs / 1000) * SAMPLE_RATE),
    Math.round((endMs / 1000) * SAMPLE_RATE),
  );
}

/**
 * The stub's fixed `center`: the mean of its statistic over the given speech, in the WeSpeaker
 * front-end's scale (the role of WeSpeaker's `mean_vec`, MODELS.md §6.2).
 */
export function populationMean(meetings: readonly Meeting[]): Float64Array {
  const mean = new Float64Array(VOICE_STUB_BINS);
  let count = 0;
  for (const m of meetings) {
    for (const s of m.segments) {
      for (const w of embeddingWindows(s.startMs, s.endMs)) {
        const f = computeFbank(slice(m.samples, w.startMs, w.endMs), FBANK_PRESETS.wespeaker);
        voiceStubStatistic(f.data, f.numFrames).forEach((v, i) => (mean[i]! += v));
        count++;
      }
    }
  }
  return mean.map((v) => v / count);
}

/** Runs the live diarizer over a meeting's final segments, as the pipeline will (live.ts). */
export async function diarizeLive(
  embedder: SpeakerEmbedder,
  m: Meeting,
  options: OnlineDiarizerOptions,
): Promise<OnlineDiarizer> {
  const live = new OnlineDiarizer(options);
  for (const seg of m.segments) {
    await attributeSegment(live, embedder, { ...seg, samples: slice(m.samples, seg.startMs, seg.endMs) });
  }
  return live;
}

/**
 * The stub's "training" statistics: the population mean over every voice saying a fixed set of
 * sentences, independent of any test meeting (as a real model's normalisation is fixed).
 */
export function stubCenter(): Float64Array {
  const corpus = Object.keys(VOICES).map((id, k) => buildMeeting(script([id, id, id, id], 4 * k)));
  return populationMean(corpus);
}
