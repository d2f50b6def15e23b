/**
 * A synthesized two-channel meeting with known turns (espeak-ng voices via test/fixtures/audio): far-end turns
 * on the system channel (two voices), local turns on the mic (a third voice), the system channel leaking into
 * the mic through a room response at `echoDb` with a transport delay, low noise on both. Turns are separated
 * by >= 1.2 s so each one is one segment; the last mic turn ends 0.25 s before the end (stop right after it).
 */
import { roomResponse, utterance } from '../../fixtures/audio/meetings';
import {
  dbToGain,
  mixInto,
  rms,
  SAMPLE_RATE,
  speechBounds,
  VOICES,
  whiteNoise,
} from '../../fixtures/audio/synth';

export interface SpeechTurn {
  channel: 'mic' | 'system';
  text: string;
  startS: number;
  endS: number;
}

const SCRIPT: Array<{ channel: 'mic' | 'system'; text: string; voice: number; gapS: number }> = [
  { channel: 'system', text: 'Good morning everyone and thanks for joining the call', voice: 0, gapS: 0.8 },
  { channel: 'mic', text: 'Morning, happy to be here', voice: 2, gapS: 1.4 },
  {
    channel: 'system',
    text: 'Let us start with the quarterly numbers from the sales team',
    voice: 1,
    gapS: 1.4,
  },
  { channel: 'system', text: 'The new release is planned for the second week of March', voice: 0, gapS: 1.6 },
  { channel: 'mic', text: 'Could you send me the slides after the meeting', voice: 2, gapS: 1.5 },
  { channel: 'system', text: 'Sure I will do that today', voice: 1, gapS: 1.4 },
  { channel: 'mic', text: 'Thank you that was very helpful', voice: 2, gapS: 1.4 },
];
const TAIL_S = 0.25;

export interface SpeechMeeting {
  mic: Float32Array;
  system: Float32Array;
  turns: SpeechTurn[];
}

function convolveSparse(x: Float32Array, h: Float32Array, gain: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let j = 0; j < h.length; j++) {
    const g = h[j]! * gain;
    if (g === 0) continue;
    for (let i = j; i < x.length; i++) out[i]! += g * x[i - j]!;
  }
  return out;
}

export function speechMeeting(echoDb: number, delayMs = 60): SpeechMeeting {
  const placed: Array<{ turn: SpeechTurn; audio: Float32Array }> = [];
  let cursor = 0;
  for (const line of SCRIPT) {
    const full = utterance(line.text, VOICES[line.voice]!);
    const b = speechBounds(full);
    const audio = full.subarray(b.start, b.end);
    const start = cursor + Math.round(line.gapS * SAMPLE_RATE);
    cursor = start + audio.length;
    placed.push({
      audio,
      turn: {
        channel: line.channel,
        text: line.text,
        startS: start / SAMPLE_RATE,
        endS: cursor / SAMPLE_RATE,
      },
    });
  }
  const length = cursor + Math.round(TAIL_S * SAMPLE_RATE);
  const system = whiteNoise(length, dbToGain(-70), 11);
  const near = new Float32Array(length);
  for (const p of placed) {
    mixInto(p.turn.channel === 'mic' ? near : system, p.audio, Math.round(p.turn.startS * SAMPLE_RATE));
  }
  const h = roomResponse(Math.round((delayMs * SAMPLE_RATE) / 1000), 3);
  const echo = convolveSparse(system, h, 1);
  const gain = (rms(system) * dbToGain(echoDb)) / rms(echo);
  const noise = whiteNoise(length, dbToGain(-70), 12);
  const mic = new Float32Array(length);
  for (let i = 0; i < length; i++) mic[i] = near[i]! + gain * echo[i]! + noise[i]!;
  return { mic, system, turns: placed.map((p) => p.turn) };
}
