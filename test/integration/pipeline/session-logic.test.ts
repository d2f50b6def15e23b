/**
 * Session logic with fakes (no models): energy VAD, tone recognizers (fakes.ts), no echo canceller unless
 * stated, so the echo guard alone has to remove the echo. The espeak + model-stub meetings are in
 * espeak-meeting.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { EmotionEngine } from '../../../main/engines/emotion';
import { OnlineDiarizer, type SpeakerEmbedder } from '../../../main/engines/speaker';
import { createSession, diarizerSpeakerAssigner, type SessionEvent } from '../../../main/pipeline';
import { EchoCanceller } from '../../../main/dsp/aec';
import { energyVad, ToneOffline, ToneStreaming, toneWord } from './fakes';
import { expectFinalContract, expectStoreMatches, finals, memoryStore, overlapS } from './helpers';
import { framesOf, TONE_TURNS, toneMeeting } from './tone-meeting';

async function runMeeting(opts: {
  echoDb: number;
  offline?: ToneOffline | null;
  streaming?: ToneStreaming | null;
  aec?: boolean;
  paced?: boolean;
}) {
  const store = memoryStore();
  const insert = vi.spyOn(store.segments, 'insertFinal');
  const session = createSession({
    store,
    engines: {
      vad: energyVad(),
      streaming: opts.streaming === undefined ? new ToneStreaming() : opts.streaming,
      offline: opts.offline ?? null,
      speaker: { assign: async () => ({ label: 'S1' }) },
      createEchoCanceller: opts.aec ? () => new EchoCanceller() : null,
    },
  });
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  await session.start();
  let k = 0;
  for (const f of framesOf(toneMeeting(opts.echoDb))) {
    session.pushFrame(f);
    if (opts.paced !== false && ++k % 10 === 0) await session.whenIdle();
  }
  await session.stop();
  return { store, session, events, insert, meetingId: session.meetingId! };
}

describe('live session on a two-channel tone meeting (fake VAD + tone recognizers)', () => {
  for (const echoDb of [-6, -20]) {
    it(`echo at ${echoDb} dB: one final per turn on the right channel, echoes dropped, last turn kept`, async () => {
      const { store, events, insert, meetingId, session } = await runMeeting({ echoDb });
      expectFinalContract(events);
      expectStoreMatches(store, meetingId, events);
      const fs = finals(events);
      expect(insert).toHaveBeenCalledTimes(fs.length);
      const system = fs.filter((f) => f.channel === 'system');
      const mic = fs.filter((f) => f.channel === 'mic');
      const sysTurns = TONE_TURNS.filter((t) => t.channel === 'system');
      expect(system.map((f) => f.words[0]!.text)).toEqual(sysTurns.map((t) => `t${t.hz}`));
      for (const [i, t] of sysTurns.entries())
        expect(overlapS(system[i]!, t.startS, t.endS)).toBeGreaterThan(1500);
      // Mic: the lone turn, the double talk (kept: different words) and the last turn; no echo-only final.
      expect(mic).toHaveLength(3);
      expect(mic[0]!.text).toMatch(/^(t700 ?)+$/);
      expect(mic[1]!.text).toContain('t1200');
      expect(mic[2]!.text).toMatch(/^(t800 ?)+$/);
      expect(overlapS(mic[2]!, 15.5, 17.0)).toBeGreaterThan(1400);
      expect(mic.every((f) => f.speaker.label === 'you')).toBe(true);
      expect(system.every((f) => f.speaker.label === 'S1')).toBe(true);
      // The two pure echoes were judged and dropped, with the system segment they matched.
      const dropped = events.filter((e) => e.type === 'echo-dropped');
      expect(dropped).toHaveLength(2);
      expect(dropped.map((d) => d.matchedSegment.segmentId)).toEqual([
        system[0]!.segmentId,
        system[1]!.segmentId,
      ]);
      // Lifecycle and the meeting row.
      const states = events.filter((e) => e.type === 'status').map((e) => e.state);
      expect(states).toEqual(['starting', 'recording', 'finalizing', 'done']);
      expect(session.state).toBe('done');
      expect(store.meetings.get(meetingId)).toMatchObject({ status: 'done' });
      expect(
        store.speakers
          .list(meetingId)
          .map((s) => [s.label, s.channel])
          .sort(),
      ).toEqual([
        ['S1', 'system'],
        ['you', 'mic'],
      ]);
    });
  }

  it('with the echo canceller in front, the guard still leaves exactly the local turns', async () => {
    const { events } = await runMeeting({ echoDb: -6, aec: true });
    expectFinalContract(events);
    const mic = finals(events).filter((f) => f.channel === 'mic');
    expect(mic).toHaveLength(3);
    // Timestamps are compensated for the canceller's latency (32 ms): the last turn still starts near 15.5 s.
    expect(Math.abs(mic[2]!.startMs - (15_500 - 150))).toBeLessThan(60);
  });

  it('partials carry capture times and precede their final; every event has captureMs and emittedAt', async () => {
    const { events } = await runMeeting({ echoDb: -20 });
    const partials = events.filter((e) => e.type === 'partial');
    expect(partials.length).toBeGreaterThan(10);
    for (const e of events) {
      expect(Number.isFinite(e.captureMs)).toBe(true);
      expect(Number.isFinite(e.emittedAt)).toBe(true);
    }
    for (const p of partials) {
      expect(p.captureMs).toBeGreaterThan(p.captureStartMs);
      expect(p.text).toBe(p.words.map((w) => w.text).join(' '));
    }
    // Partials of one segment grow: each extends the previous (the tone fake never revises words).
    const byKey = new Map<string, string[]>();
    for (const p of partials) byKey.set(p.segmentKey, [...(byKey.get(p.segmentKey) ?? []), p.text]);
    for (const texts of byKey.values()) {
      for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    }
  });

  it('final pass: its words replace the streaming hypothesis, and its emotion and language are kept', async () => {
    const offline = new ToneOffline({ label: 'happy', score: 0.8 });
    const { events, store, meetingId } = await runMeeting({ echoDb: -20, offline });
    const fs = finals(events);
    expect(fs.length).toBe(6);
    expect(offline.decodes).toBeGreaterThanOrEqual(fs.length);
    for (const f of fs) {
      expect(f.text).toMatch(/^(T\d+ ?)+/);
      expect(f.emotion).toEqual({ label: 'happy', score: 0.8 });
      expect(f.language).toBe('en');
    }
    // Echo guard on final-pass text: the echoes were still dropped.
    expect(events.filter((e) => e.type === 'echo-dropped')).toHaveLength(2);
    expect(store.segments.list(meetingId).every((s) => s.emotion === 'happy')).toBe(true);
  });

  it('with only an offline model it pseudo-streams (partials, finals) and runs no separate final pass', async () => {
    const offline = new ToneOffline();
    const { events, session } = await runMeeting({ echoDb: -20, offline, streaming: null });
    expect(session.recognizers.mode).toBe('pseudo-streaming');
    expect(events.some((e) => e.type === 'partial')).toBe(true);
    const fs = finals(events);
    expect(fs.filter((f) => f.channel === 'system')).toHaveLength(3);
    expect(fs.filter((f) => f.channel === 'mic')).toHaveLength(3);
  });

  it('with no ASR model it records only and says why', async () => {
    const { events, session, store, meetingId } = await runMeeting({ echoDb: -6, streaming: null });
    expect(session.recognizers.mode).toBe('none');
    const recording = events.find((e) => e.type === 'status' && e.state === 'recording');
    expect(recording).toMatchObject({ reason: 'no-asr-model', asrMode: 'none' });
    expect(finals(events)).toEqual([]);
    expect(store.meetings.get(meetingId)!.status).toBe('done');
  });

  it('pause flushes the open turn; frames while paused are ignored; resume continues', async () => {
    const store = memoryStore();
    const session = createSession({
      store,
      engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    const all = [...framesOf(toneMeeting(-20))];
    // Pause at 2.0 s: inside the first system turn (1.0-3.0 s).
    for (const f of all.filter((f) => f.t < 2000)) session.pushFrame(f);
    await session.pause();
    expect(finals(events).map((f) => f.channel)).toEqual(['system']);
    expect(store.meetings.get(session.meetingId!)!.status).toBe('paused');
    session.pushFrame(all.find((f) => f.t === 2000)!);
    expect(session.ignoredFrames).toBe(1);
    session.resume();
    for (const f of all.filter((f) => f.t >= 4000 && f.t < 8000)) session.pushFrame(f);
    await session.stop();
    expectFinalContract(events);
    const sys = finals(events).filter((f) => f.channel === 'system');
    expect(sys).toHaveLength(2);
    expect(sys[1]!.text).toMatch(/t400/);
    expect(events.filter((e) => e.type === 'status').map((e) => e.state)).toEqual([
      'starting',
      'recording',
      'paused',
      'recording',
      'finalizing',
      'done',
    ]);
  });

  it('backpressure: a slow recognizer gets every chunk, partials are thinned, lag is reported and worked off', async () => {
    const slow = new ToneStreaming({ delayMs: 15 });
    const fast = await runMeeting({ echoDb: -20, paced: true });
    const { events } = await runMeeting({ echoDb: -20, streaming: slow, paced: false });
    expectFinalContract(events);
    const fs = finals(events);
    expect(fs).toHaveLength(6); // nothing dropped: the same turns as a paced run
    expect(fs.map((f) => f.text)).toEqual(finals(fast.events).map((f) => f.text));
    const lags = events.filter((e) => e.type === 'lag');
    expect(Math.max(...lags.map((l) => l.lagMs))).toBeGreaterThan(5000);
    expect(lags.some((l) => l.thinned)).toBe(true);
    expect(lags.filter((l) => l.channel === 'system').at(-1)!.lagMs).toBe(0);
    const partials = (evs: SessionEvent[]) => evs.filter((e) => e.type === 'partial').length;
    expect(partials(events)).toBeLessThan(partials(fast.events) / 2);
    // Every sample reached the recognizer: both streams accepted at least the speech of their channel.
    expect(slow.streams.every((s) => s.accepted > 16000 * 3)).toBe(true);
  });

  it('rejects invalid lifecycle calls, and a store failure puts the session in error', async () => {
    const store = memoryStore();
    const session = createSession({
      store,
      engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
    });
    expect(() => session.pushFrame([...framesOf(toneMeeting(-20))][0]!)).toThrow(/idle/);
    await expect(session.pause()).rejects.toThrow(/idle/);
    await session.start();
    expect(() => session.resume()).toThrow(/recording/);
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    vi.spyOn(store.segments, 'insertFinal').mockImplementation(() => {
      throw new Error('disk full');
    });
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await expect(session.whenIdle()).rejects.toThrow('disk full');
    expect(session.state).toBe('error');
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'error', reason: 'disk full' });
    expect(store.meetings.get(session.meetingId!)!.status).toBe('error');
  });

  it('emotion comes from an EmotionEngine (main/engines/emotion) when the recognizer gives none', async () => {
    const classified: number[] = [];
    const engine: EmotionEngine = {
      modelId: 'fake-emotion',
      async classify(samples) {
        classified.push(samples.length);
        return { label: 'neutral', score: 0.7, source: 'model' };
      },
      async dispose() {},
    };
    const store = memoryStore();
    const session = createSession({
      store,
      engines: {
        vad: energyVad(),
        streaming: new ToneStreaming(),
        createEchoCanceller: null,
        emotion: engine,
      },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await session.stop();
    const fs = finals(events);
    expect(fs.every((f) => f.emotion?.label === 'neutral' && f.emotion.score === 0.7)).toBe(true);
    // Classified once per committed final, on its audio (>= 1 s per turn here); dropped echoes cost nothing.
    expect(classified).toHaveLength(fs.length);
    expect(Math.min(...classified)).toBeGreaterThan(16000);
    const rows = store.segments.list(session.meetingId!);
    expect(rows.every((r) => r.emotion === 'neutral' && r.emotionScore === 0.7)).toBe(true);
  });

  it('a listener that throws does not stop the session', async () => {
    const store = memoryStore();
    const logs: string[] = [];
    const session = createSession({
      store,
      log: (m) => logs.push(m),
      engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
    });
    const events: SessionEvent[] = [];
    session.on(() => {
      throw new Error('renderer bug');
    });
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await session.stop();
    expect(finals(events)).toHaveLength(6);
    expect(session.state).toBe('done');
    expect(logs).toContain('session listener threw');
  });

  it('after stop, frames are refused and the session cannot restart', async () => {
    const store = memoryStore();
    const session = createSession({ store, engines: { vad: energyVad(), streaming: new ToneStreaming() } });
    await session.start();
    const [first] = framesOf(toneMeeting(-20));
    session.pushFrame(first!);
    await session.stop();
    expect(() => session.pushFrame(first!)).toThrow(/done/);
    await expect(session.start()).rejects.toThrow(/done/);
    await expect(session.stop()).rejects.toThrow(/done/);
  });

  it('mic only (no system source): mic finals are committed as they end, not held for the echo guard', async () => {
    const store = memoryStore();
    const session = createSession({ store, engines: { vad: energyVad(), streaming: new ToneStreaming() } });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) if (f.channel === 'mic') session.pushFrame(f);
    await session.whenIdle();
    // Before stop: the turns that ended (8.5-10.5 s, 12-14 s with its echo) are already final.
    expect(finals(events).filter((f) => f.channel === 'mic').length).toBeGreaterThanOrEqual(2);
    await session.stop();
    expectFinalContract(events);
  });

  it('a failing speaker, emotion or final-pass engine does not lose the final', async () => {
    const store = memoryStore();
    const logs: string[] = [];
    const failing = new ToneOffline();
    failing.decode = async () => {
      throw new Error('final pass exploded');
    };
    const session = createSession({
      store,
      log: (m) => logs.push(m),
      engines: {
        vad: energyVad(),
        streaming: new ToneStreaming(),
        offline: failing,
        createEchoCanceller: null,
        speaker: { assign: () => Promise.reject(new Error('no speaker model')) },
        emotion: { classify: () => Promise.reject(new Error('no emotion model')) },
      },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await session.stop();
    const fs = finals(events);
    expect(fs).toHaveLength(6);
    expect(fs.every((f) => f.text.startsWith('t') && f.emotion === null)).toBe(true);
    expect(fs.filter((f) => f.channel === 'system').every((f) => f.speaker.label === 'S1')).toBe(true);
    expect(logs.some((l) => l.startsWith('final pass failed'))).toBe(true);
    expect(logs.some((l) => l.startsWith('speaker failed'))).toBe(true);
    expect(logs.some((l) => l.startsWith('emotion failed'))).toBe(true);
  });

  it('system speakers come from the diarizer adapter (embedder + online clustering), mic is "you"', async () => {
    // Fake embedder: the voice is the tone's frequency (one direction per 100 Hz).
    const embedder: SpeakerEmbedder = {
      modelId: 'tone-voice',
      dim: 32,
      async embed(samples) {
        const word = toneWord(
          samples.subarray(Math.floor(samples.length / 2) - 800, Math.floor(samples.length / 2) + 800),
        );
        if (!word) return null;
        const v = new Float32Array(32);
        v[Math.round(Number(word.slice(1)) / 100) % 32] = 1;
        return v;
      },
    };
    const store = memoryStore();
    const session = createSession({
      store,
      engines: {
        vad: energyVad(),
        streaming: new ToneStreaming(),
        createEchoCanceller: null,
        speaker: diarizerSpeakerAssigner(new OnlineDiarizer(), embedder),
      },
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.start();
    for (const f of framesOf(toneMeeting(-20))) session.pushFrame(f);
    await session.stop();
    const system = finals(events).filter((f) => f.channel === 'system');
    expect(system.map((f) => f.speaker.label)).toEqual(['S1', 'S2', 'S3']);
    const rows = store.speakers.list(session.meetingId!);
    expect(rows.map((r) => r.label).sort()).toEqual(['S1', 'S2', 'S3', 'you']);
  });
});
