import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETING_VAD_DEFAULTS, SileroVad, VadStream } from '../../../main/engines/vad';
import type { VadEvent } from '../../../main/engines/vad';
import { vadMeeting } from '../../fixtures/audio/meetings';

const MS = 16; // samples per ms

interface Segment {
  start: number;
  end: number;
  paddedStart: number;
  paddedEnd: number;
}

function toSegments(events: VadEvent[]): Segment[] {
  const segs: Segment[] = [];
  let open: VadEvent | null = null;
  for (const e of events) {
    if (e.type === 'speech-start') open = e;
    else {
      segs.push({
        start: open!.speechSample,
        end: e.speechSample,
        paddedStart: open!.sample,
        paddedEnd: e.sample,
      });
      open = null;
    }
  }
  return segs;
}

const overlaps = (s: { start: number; end: number }, t: { start: number; end: number }): boolean =>
  s.start < t.end && t.start < s.end;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

describe('Silero VAD on a synthesised meeting (espeak-ng voices, known turns)', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.load();
  });
  afterAll(async () => {
    await vad?.dispose();
  });

  // At -50 dBFS the same run still passes (p95 98 ms: the noise masks the "sh" that opens the last turn), too
  // close to the limit to assert; -56 dBFS is the "low-level noise" case.
  it.each([['-56 dBFS', 0.0015]])(
    'finds every turn with p95 boundary error <= 100 ms and no false turns (white noise %s)',
    async (label, noise) => {
      const meeting = vadMeeting(noise);
      const stream = new VadStream(vad.createStream(), MEETING_VAD_DEFAULTS);
      const events: VadEvent[] = [];
      // The app's frame format: 20 ms frames.
      for (let at = 0; at < meeting.signal.length; at += 320) {
        events.push(...(await stream.push(meeting.signal.subarray(at, at + 320))));
      }
      events.push(...(await stream.flush()));
      const segs = toSegments(events);

      const errors: number[] = [];
      const rows: string[] = [];
      for (const turn of meeting.turns) {
        const hits = segs.filter((s) => overlaps(s, turn));
        expect(hits, `turn "${turn.text}" (${fmt(turn)})`).toHaveLength(1);
        const hit = hits[0]!;
        const startErr = Math.abs(hit.start - turn.start) / MS;
        const endErr = Math.abs(hit.end - turn.end) / MS;
        errors.push(startErr, endErr);
        rows.push(
          `  ${fmt(turn)}  detected ${fmt(hit)}  start err ${startErr.toFixed(0)} ms, end err ${endErr.toFixed(0)} ms`,
        );
        // Padding only widens the raw boundaries.
        expect(hit.paddedStart).toBeLessThanOrEqual(hit.start);
        expect(hit.paddedEnd).toBeGreaterThanOrEqual(hit.end);
      }
      const falseTurns = segs.filter((s) => !meeting.turns.some((t) => overlaps(s, t)));
      const silenceSpeech = meeting.silences.reduce((acc, gap) => {
        // Detected speech inside a known silence, beyond 100 ms of either neighbouring turn.
        const inner = { start: gap.start + 100 * MS, end: gap.end - 100 * MS };
        if (inner.end <= inner.start) return acc;
        return (
          acc +
          segs.reduce(
            (a, s) => a + Math.max(0, Math.min(s.end, inner.end) - Math.max(s.start, inner.start)),
            0,
          )
        );
      }, 0);
      const p95Ms = p95(errors);
      console.log(
        [
          `VAD meeting (noise ${label}): ${meeting.turns.length} turns, ${segs.length} segments, ${falseTurns.length} false turns`,
          `boundary error p95 ${p95Ms.toFixed(0)} ms, max ${Math.max(...errors).toFixed(0)} ms, ` +
            `mean ${(errors.reduce((a, b) => a + b, 0) / errors.length).toFixed(0)} ms`,
          `speech detected inside silences: ${(silenceSpeech / MS).toFixed(0)} ms`,
          ...rows,
        ].join('\n'),
      );
      expect(falseTurns).toEqual([]);
      expect(silenceSpeech).toBe(0);
      expect(p95Ms).toBeLessThanOrEqual(100);
    },
  );
});

function fmt(s: { start: number; end: number }): string {
  return `${(s.start / 16000).toFixed(2)}-${(s.end / 16000).toFixed(2)} s`;
}
