/**
 * A two-channel "meeting" of pure tones with known turns, for pipeline logic tests with the tone fakes:
 * the system channel's turns leak into the mic (delayed, attenuated), the local speaker talks alone and once
 * over the far end, and the last mic turn ends just before stop.
 */
import { FRAME_SAMPLES, type AudioFrame } from '../../../main/audio/frames';

const SR = 16000;

export interface ToneTurn {
  channel: 'mic' | 'system';
  startS: number;
  endS: number;
  hz: number;
}

export const TONE_TURNS: readonly ToneTurn[] = [
  { channel: 'system', startS: 1.0, endS: 3.0, hz: 300 },
  { channel: 'system', startS: 5.0, endS: 7.0, hz: 400 },
  { channel: 'mic', startS: 8.5, endS: 10.5, hz: 700 },
  { channel: 'system', startS: 12.0, endS: 14.0, hz: 500 },
  { channel: 'mic', startS: 12.4, endS: 13.6, hz: 1200 }, // double talk
  { channel: 'mic', startS: 15.5, endS: 17.0, hz: 800 }, // last words before stop
];
export const TONE_LENGTH_S = 17.1;

export interface ToneMeeting {
  mic: Float32Array;
  system: Float32Array;
}

export function toneMeeting(echoDb: number, delayMs = 80): ToneMeeting {
  const n = Math.round(TONE_LENGTH_S * SR);
  const mic = new Float32Array(n);
  const system = new Float32Array(n);
  for (const t of TONE_TURNS) {
    const dst = t.channel === 'mic' ? mic : system;
    for (let i = Math.round(t.startS * SR); i < Math.round(t.endS * SR); i++) {
      dst[i]! += 0.3 * Math.sin((2 * Math.PI * t.hz * i) / SR);
    }
  }
  const gain = 10 ** (echoDb / 20);
  const delay = Math.round((delayMs * SR) / 1000);
  for (let i = delay; i < n; i++) mic[i]! += gain * system[i - delay]!;
  return { mic, system };
}

/** Cuts both channels into 20 ms frames, interleaved in capture order (system first at each step). */
export function* framesOf(
  m: { mic: Float32Array; system: Float32Array },
  epochMs = 0,
): Generator<AudioFrame> {
  const frames = Math.floor(Math.min(m.mic.length, m.system.length) / FRAME_SAMPLES);
  for (let k = 0; k < frames; k++) {
    const span = [k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES] as const;
    yield { channel: 'system', seq: k, t: k * 20, epochMs, samples: m.system.slice(...span) };
    yield { channel: 'mic', seq: k, t: k * 20, epochMs, samples: m.mic.slice(...span) };
  }
}
