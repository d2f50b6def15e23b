/**
 * A record-only meeting on disk for transcribe-later tests: the tone meeting of the pipeline tests (known
 * turns on both channels, the system leaking into the mic at -20 dB) written as the recorder writes it
 * (`recordings/<id>/mic.wav`, `system.wav`, or MP3 after compaction), and fake engines (energy VAD, tone
 * recognizers) behind an EngineLoader. A gate in the recognizer lets a test stop a run at a known point.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactRecording } from '../../../main/audio/compact';
import { writeWav } from '../../../main/audio/wav';
import type { EngineLoader } from '../../../main/backend/engines/types';
import type { VadEngine } from '../../../main/engines/vad/types';
import { openStore, type SegmentWithWords } from '../../../main/store';
import { energyVad, ToneStreaming } from '../../integration/pipeline/fakes';
import { TONE_TURNS, toneMeeting } from '../../integration/pipeline/tone-meeting';

export const SR = 16000;

export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'verbatim-transcribe-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Creates a finished record-only meeting with the tone meeting's audio; returns its id. */
export async function recordedToneMeeting(
  dataDir: string,
  options: { format?: 'wav' | 'mp3'; echoDb?: number } = {},
): Promise<number> {
  const store = openStore(join(dataDir, 'archive.sqlite'));
  try {
    const meeting = store.meetings.create({ title: 'Tones', status: 'done', durationMs: 17_100 });
    const audioDir = join(dataDir, 'recordings', String(meeting.id));
    await mkdir(audioDir, { recursive: true });
    const audio = toneMeeting(options.echoDb ?? -20);
    for (const channel of ['mic', 'system'] as const) {
      const wav = join(audioDir, `${channel}.wav`);
      await writeFile(wav, writeWav(audio[channel], SR));
      if (options.format === 'mp3') await compactRecording(wav);
    }
    store.meetings.updateState(meeting.id, { audioDir });
    return meeting.id;
  } finally {
    store.close();
  }
}

/** Opens the archive beside a running backend (WAV mode allows a second connection) to look at it. */
export function readArchive<T>(dataDir: string, read: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(join(dataDir, 'archive.sqlite'), { integrityCheck: 'never' });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/**
 * Holds the pipeline once one channel's VAD has seen `atMs` of audio (the VAD sees every sample from the
 * start, so this is meeting time for a run from 0), until released.
 */
export class Gate {
  private opened: (() => void) | null = null;
  private readonly gate: Promise<void>;
  private reachedResolve: (() => void) | null = null;
  readonly reached: Promise<void>;
  constructor(readonly atMs: number) {
    this.gate = new Promise((resolve) => (this.opened = resolve));
    this.reached = new Promise((resolve) => (this.reachedResolve = resolve));
  }
  async pass(seenMs: number): Promise<void> {
    if (seenMs < this.atMs) return;
    this.reachedResolve?.();
    await this.gate;
  }
  open(): void {
    this.opened?.();
  }
}

function gatedVad(gate: Gate | null): VadEngine {
  const inner = energyVad();
  if (!gate) return inner;
  return {
    createStream() {
      const model = inner.createStream();
      let seen = 0;
      return {
        ...model,
        predict: async (window: Float32Array) => {
          seen += window.length;
          await gate.pass((seen * 1000) / SR);
          return model.predict(window);
        },
      };
    },
    dispose: () => inner.dispose(),
  };
}

export interface FakeLoader {
  load: EngineLoader;
  loads: number;
  releases: number;
}

/** Fake engines for every job; `asr: false` is a machine without any ASR model installed. */
export function fakeLoader(options: { gate?: Gate; asr?: boolean } = {}): FakeLoader {
  const state: FakeLoader = {
    loads: 0,
    releases: 0,
    load: async () => {
      state.loads++;
      return {
        engines: {
          vad: gatedVad(options.gate ?? null),
          streaming: options.asr === false ? null : new ToneStreaming(),
          offline: null,
          speaker: { assign: async () => ({ label: 'S1' }) },
          createEchoCanceller: null,
        },
        models: [],
        notes: options.asr === false ? ['No ASR model installed.'] : [],
        release: async () => {
          state.releases++;
        },
      };
    },
  };
  return state;
}

/**
 * Which known turn each segment belongs to (the turn of its channel it overlaps most, and whose tone it
 * names): a transcript with every turn exactly once maps to each turn once and has nothing left over.
 */
export function turnCounts(segments: readonly SegmentWithWords[]): { perTurn: number[]; stray: string[] } {
  const perTurn = TONE_TURNS.map(() => 0);
  const stray: string[] = [];
  for (const s of segments) {
    let best = -1;
    let bestOverlap = 0;
    TONE_TURNS.forEach((t, i) => {
      const overlap = Math.min(s.endMs, t.endS * 1000) - Math.max(s.startMs, t.startS * 1000);
      if (t.channel === s.channel && overlap > bestOverlap && s.text.includes(`t${t.hz}`)) {
        best = i;
        bestOverlap = overlap;
      }
    });
    if (best < 0) stray.push(`${s.channel} ${s.startMs}-${s.endMs} "${s.text}"`);
    else perTurn[best]!++;
  }
  return { perTurn, stray };
}

export const ONCE_EACH = TONE_TURNS.map(() => 1);
