/**
 * End to end with models (issue 8 "Done when"): espeak-ng two-channel meetings with echo at -6 and -20 dB,
 * through the real echo canceller, the real Silero VAD (bundled model) and the streaming Zipformer2 engine on
 * the onnxruntime toolkit stubs (encoder/decoder + affine joiner: tokens for speech-level audio, blank for
 * silence), into a real SQLite store. The stub's words carry no meaning, so the echo guard can only act on
 * text the canceller left; no duplicates must remain either way.
 *
 * The whole file runs with outbound connections blocked (net.Socket#connect patched to fail): a meeting needs
 * no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZipformerRecognizer, type ZipformerRecognizer } from '../../../main/engines/asr/zipformer';
import { SileroVad } from '../../../main/engines/vad';
import { createSession, type SessionEvent } from '../../../main/pipeline';
import { openStore } from '../../../main/store';
import { zipformer2AffineStubDir } from '../../fixtures/onnx/zipformer-affine';
import { expectFinalContract, expectStoreMatches, finals, overlapS } from './helpers';
import { speechMeeting } from './speech-meeting';
import { framesOf } from './tone-meeting';

let vad: SileroVad;
let asr: ZipformerRecognizer;
const dir = mkdtempSync(join(tmpdir(), 'verbatim-pipeline-'));

const realConnect = net.Socket.prototype.connect;
const connectAttempts: unknown[] = [];

beforeAll(async () => {
  net.Socket.prototype.connect = function blocked(...args: unknown[]) {
    connectAttempts.push(args[0]);
    throw new Error('network is blocked in this test');
  } as typeof realConnect;
  // The block has teeth: a connection attempt fails (and is recorded).
  expect(() => net.connect(9, '127.0.0.1')).toThrow(/blocked/);
  expect(connectAttempts.splice(0)).toHaveLength(1);
  vad = await SileroVad.load();
  const d = zipformer2AffineStubDir();
  asr = await createZipformerRecognizer({
    encoder: d.encoder,
    decoder: d.decoder,
    joiner: d.joiner,
    tokens: d.tokens,
  });
}, 60_000);

afterAll(async () => {
  net.Socket.prototype.connect = realConnect;
  expect(connectAttempts).toEqual([]);
  await asr?.dispose();
  await vad?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('live session: espeak meeting, Silero VAD, Zipformer2 stubs, echo canceller', () => {
  for (const echoDb of [-6, -20]) {
    it(`echo at ${echoDb} dB: exactly one final per turn on its channel, no echo duplicate, stored`, async () => {
      const meeting = speechMeeting(echoDb);
      const store = openStore(join(dir, `m${-echoDb}.sqlite`));
      const session = createSession({
        store,
        engines: { vad, streaming: asr, speaker: { assign: async () => ({ label: 'S1' }) } },
      });
      const events: SessionEvent[] = [];
      session.on((e) => events.push(e));
      await session.start();
      let k = 0;
      for (const f of framesOf(meeting)) {
        session.pushFrame(f);
        if (++k % 50 === 0) await session.whenIdle();
      }
      await session.stop();

      expectFinalContract(events);
      expectStoreMatches(store, session.meetingId!, events);
      const fs = finals(events);
      for (const turn of meeting.turns) {
        const mine = fs.filter((f) => f.channel === turn.channel && overlapS(f, turn.startS, turn.endS) > 0);
        expect(mine, `${turn.channel}: ${turn.text}`).toHaveLength(1);
        // The final covers the turn (VAD pads it, and the start may be confirmed a little late).
        expect(overlapS(mine[0]!, turn.startS, turn.endS)).toBeGreaterThan(
          (turn.endS - turn.startS) * 1000 * 0.9,
        );
      }
      // Nothing else: in particular no mic final made of echo.
      expect(fs).toHaveLength(meeting.turns.length);
      const last = meeting.turns.at(-1)!;
      expect(fs.some((f) => f.channel === 'mic' && overlapS(f, last.startS, last.endS) > 0)).toBe(true);
      expect(store.meetings.get(session.meetingId!)!.status).toBe('done');
      const speakers = store.speakers.list(session.meetingId!);
      for (const f of fs) {
        expect(speakers.find((s) => s.id === f.speaker.id)!.channel).toBe(f.channel);
      }
      store.close();
    }, 120_000);
  }
});
