import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Segment,
  TranscriptEchoDropped,
  TranscriptFinal,
  TranscriptLag,
  TranscriptPartial,
} from '../../main/api';
import {
  captionRows,
  EMPTY_CAPTIONS,
  emotionBadge,
  flagWords,
  lastRows,
  latestCaptureMs,
  reduceCaptions,
  speakerOf,
  type CaptionsAction,
  type CaptionsState,
} from '../../renderer/src/live/captions';
import { App } from '../../renderer/src/App';
import { LatencyMeter } from '../../renderer/src/live/latency';
import { isMarkHotkey, lagText } from '../../renderer/src/live/status';
import { startFakeBackend, type FakeBackend } from './fake-backend';
import { installFakeMicrophone, liveScript } from './fake-live';
import { renderApp, resetApp } from './render-app';

/* ---- The captions model ------------------------------------------------------------------------ */

const MEETING = 7;
let nextId = 1;

function partial(key: string, text: string, startMs: number, channel: 'mic' | 'system' = 'mic') {
  const words = text.split(' ').map((t, i) => ({
    text: t,
    startMs: startMs + i * 300,
    endMs: startMs + (i + 1) * 300,
    confidence: 0.5 + i * 0.1,
  }));
  const event: TranscriptPartial = {
    meetingId: MEETING,
    captureMs: words.at(-1)!.endMs,
    emittedAt: 0,
    channel,
    segmentKey: key,
    text,
    words,
    startMs,
  };
  return { type: 'transcript.partial', event } as const satisfies CaptionsAction;
}

function segment(
  text: string,
  startMs: number,
  channel: 'mic' | 'system',
  speakerId: number,
  extra: Partial<Segment> = {},
): Segment {
  const id = nextId++;
  const parts = text.split(' ');
  return {
    id,
    meetingId: MEETING,
    speakerId,
    channel,
    startMs,
    endMs: startMs + parts.length * 300,
    text,
    language: 'en',
    emotion: null,
    emotionScore: null,
    confidence: null,
    minWordConfidence: null,
    revision: 1,
    words: parts.map((t, ord) => ({
      segmentId: id,
      ord,
      text: t,
      startMs: startMs + ord * 300,
      endMs: startMs + (ord + 1) * 300,
      confidence: 0.95,
      originalText: null,
      reviewedAt: null,
    })),
    ...extra,
  };
}

function final(
  key: string,
  text: string,
  startMs: number,
  channel: 'mic' | 'system' = 'mic',
  speaker = {
    id: channel === 'mic' ? 100 : 200,
    label: channel === 'mic' ? 'SPEAKER_00' : 'SPEAKER_01',
    displayName: null as string | null,
  },
  extra: Partial<Segment> = {},
) {
  const seg = segment(text, startMs, channel, speaker.id, extra);
  const event: TranscriptFinal = {
    meetingId: MEETING,
    captureMs: seg.endMs,
    emittedAt: 0,
    segmentKey: key,
    segment: seg,
    speaker,
    endpointAt: 0,
    reason: 'silence',
  };
  return { type: 'transcript.final', event } as const satisfies CaptionsAction;
}

function echo(key: string, channel: 'mic' | 'system' = 'mic') {
  const event: TranscriptEchoDropped = {
    meetingId: MEETING,
    captureMs: 0,
    emittedAt: 0,
    channel,
    segmentKey: key,
    text: 'x',
    matchedSegmentId: 1,
    similarity: 0.9,
    rule: 'text',
  };
  return { type: 'transcript.echo-dropped', event } as const satisfies CaptionsAction;
}

const run = (...actions: CaptionsAction[]) => actions.reduce(reduceCaptions, EMPTY_CAPTIONS);
const rowsOf = (state: CaptionsState) => {
  const rows = captionRows(state);
  return Array.from({ length: rows.length }, (_, i) => rows.at(i));
};

describe('the captions model', () => {
  it('shows a partial as the provisional tail of its channel and replaces it with the next partial', () => {
    const s = run(partial('a', 'hello', 0), partial('a', 'hello there', 0));
    const rows = rowsOf(s);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ text: 'hello there', provisional: true, channel: 'mic' });
  });

  it('replaces the partial with the final of the same segmentKey', () => {
    const s = run(partial('a', 'hello thare', 0), final('a', 'hello there', 0));
    const rows = rowsOf(s);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ text: 'hello there', provisional: false });
    expect(rows[0]!.segmentId).not.toBeNull();
    expect(s.tails.mic).toBeNull();
  });

  it('never lets a later partial change a committed line', () => {
    const committed = run(partial('a', 'one', 0), final('a', 'one two', 0));
    const line = rowsOf(committed)[0];
    const late = reduceCaptions(committed, partial('a', 'one two three', 0));
    expect(late).toBe(committed); // the partial of a committed segment is dropped
    const next = reduceCaptions(committed, partial('b', 'four', 2000));
    expect(rowsOf(next)[0]).toBe(line);
    expect(rowsOf(next)).toHaveLength(2);
  });

  it('keeps the final of another key and drops only the matching tail on echo-dropped', () => {
    const s = run(partial('a', 'echoed words', 0), echo('other'));
    expect(rowsOf(s)).toHaveLength(1);
    const dropped = reduceCaptions(s, echo('a'));
    expect(rowsOf(dropped)).toHaveLength(0);
    // The other channel's tail is untouched.
    const both = run(partial('a', 'mine', 0), partial('b', 'theirs', 100, 'system'), echo('a'));
    expect(rowsOf(both).map((l) => l.text)).toEqual(['theirs']);
  });

  it('keeps one tail per channel and orders every line by start time', () => {
    const s = run(
      final('s1', 'first remote', 0, 'system'),
      partial('m1', 'my words', 500),
      final('s2', 'second remote', 1000, 'system'),
      partial('s3', 'third', 3000, 'system'),
    );
    expect(rowsOf(s).map((l) => [l.text, l.provisional])).toEqual([
      ['first remote', false],
      ['my words', true],
      ['second remote', false],
      ['third', true],
    ]);
    // The mic final lands where its partial was.
    const done = reduceCaptions(s, final('m1', 'my words exactly', 500));
    expect(rowsOf(done).map((l) => l.text)).toEqual([
      'first remote',
      'my words exactly',
      'second remote',
      'third',
    ]);
  });

  it('leaves earlier states as they were (pure, even though appends share storage)', () => {
    const s1 = run(final('a', 'one', 0));
    const s2 = reduceCaptions(s1, final('b', 'two', 1000));
    const s3 = reduceCaptions(s2, final('c', 'zero', -500 + 600)); // starts before 'two': inserted
    expect(rowsOf(s1).map((l) => l.text)).toEqual(['one']);
    expect(rowsOf(s2).map((l) => l.text)).toEqual(['one', 'two']);
    expect(rowsOf(s3).map((l) => l.text)).toEqual(['one', 'zero', 'two']);
    // Branching from an old state does not disturb the newer one.
    const branch = reduceCaptions(s1, final('x', 'other', 2000));
    expect(rowsOf(branch).map((l) => l.text)).toEqual(['one', 'other']);
    expect(rowsOf(s2).map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('appends in place and copies nothing for a partial, even at 10,000 segments', () => {
    let s = EMPTY_CAPTIONS;
    for (let i = 0; i < 10_000; i++) s = reduceCaptions(s, final(`k${i}`, `line ${i}`, i * 1000));
    const storage = s.committed;
    const withPartial = reduceCaptions(s, partial('p', 'live', 10_000_000));
    expect(withPartial.committed).toBe(storage);
    const appended = reduceCaptions(withPartial, final('p', 'live words', 10_000_000));
    expect(appended.committed).toBe(storage);
    expect(captionRows(appended).length).toBe(10_001);
    expect(captionRows(appended).at(10_000).text).toBe('live words');
    expect(lastRows(appended, 2).map((l) => l.text)).toEqual(['line 9999', 'live words']);
  });

  it('names speakers: the local user on the mic, display names first, and a stable colour each', () => {
    const mic = { id: 100, label: 'SPEAKER_00', displayName: null };
    const remote = { id: 200, label: 'SPEAKER_01', displayName: null };
    const named = { id: 300, label: 'SPEAKER_02', displayName: 'Chidi' };
    let s = run(
      final('a', 'hi', 0, 'mic', mic),
      final('b', 'hello', 1000, 'system', remote),
      final('c', 'hey', 2000, 'system', named),
      final('d', 'again', 3000, 'system', remote),
      partial('e', 'typing', 4000),
      partial('f', 'talking', 4500, 'system'),
    );
    const views = rowsOf(s).map((l) => speakerOf(s, l, 'Ana'));
    expect(views.map((v) => v.name)).toEqual(['Ana', 'SPEAKER_01', 'Chidi', 'SPEAKER_01', 'Ana', 'Remote']);
    const [a, b, c, d, e, f] = views.map((v) => v.colourClass);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(d).toBe(b);
    expect(e).toBe(a); // the mic partial already wears the mic speaker's colour
    expect(f).toBe('speaker-unknown');
    // A rename shows on every line of that speaker, the colour stays.
    s = reduceCaptions(s, { type: 'speaker-updated', speaker: { ...remote, displayName: 'Tahani' } });
    const renamed = rowsOf(s).map((l) => speakerOf(s, l, 'Ana'));
    expect(renamed[1]).toEqual({ name: 'Tahani', colourClass: b });
    expect(renamed[3]!.name).toBe('Tahani');
    // A display name on the mic speaker wins over the local name.
    s = reduceCaptions(s, { type: 'speaker-updated', speaker: { ...mic, displayName: 'Ana (laptop)' } });
    expect(speakerOf(s, rowsOf(s)[0]!, 'Ana').name).toBe('Ana (laptop)');
  });

  it('badges an emotion only when there is one worth showing', () => {
    const lines = rowsOf(
      run(
        final('a', 'yay', 0, 'mic', undefined, { emotion: 'happy' }),
        final('b', 'ok', 1000, 'mic', undefined, { emotion: 'neutral' }),
        final('c', 'hm', 2000, 'mic', undefined, { emotion: 'unknown' }),
        final('d', 'so', 3000, 'mic', undefined, { emotion: null }),
        final('e', 'no', 4000, 'mic', undefined, { emotion: 'ANGRY' }),
      ),
    );
    expect(lines.map(emotionBadge)).toEqual(['happy', null, null, null, 'angry']);
  });

  it('flags the words under the confidence threshold with their confidence', () => {
    const line = rowsOf(run(partial('a', 'w0 w1 w2 w3', 0)))[0]!; // confidences 0.5 0.6 0.7 0.8
    const flags = flagWords(line, 0.65);
    expect(flags.map((w) => [w.text, w.low])).toEqual([
      ['w0', true],
      ['w1', true],
      ['w2', false],
      ['w3', false],
    ]);
    expect(flags[0]!.confidence).toBeCloseTo(0.5);
    expect(flagWords(line, 0).every((w) => !w.low)).toBe(true);
  });

  it('starts over when another meeting speaks', () => {
    const s = run(final('a', 'old meeting', 0));
    const next: TranscriptPartial = { ...partial('z', 'new meeting', 0).event, meetingId: MEETING + 1 };
    const fresh = reduceCaptions(s, { type: 'transcript.partial', event: next });
    expect(fresh.meetingId).toBe(MEETING + 1);
    expect(rowsOf(fresh).map((l) => l.text)).toEqual(['new meeting']);
  });

  it('merges what the archive holds with live finals without duplicates', () => {
    const live = final('a', 'said live', 5000);
    const s = run(live);
    const loaded = reduceCaptions(s, {
      type: 'loaded',
      meetingId: MEETING,
      segments: [segment('earlier', 0, 'mic', 100), live.event.segment],
      speakers: [
        {
          id: 100,
          meetingId: MEETING,
          label: 'SPEAKER_00',
          displayName: null,
          channel: 'mic',
          colour: null,
          voiceprintId: null,
        },
      ],
    });
    expect(rowsOf(loaded).map((l) => l.text)).toEqual(['earlier', 'said live']);
  });

  it('replaces a committed line only when the user edits it', () => {
    const s = run(final('a', 'the cat sat', 0), final('b', 'on the mat', 1000));
    const seg = segment('the hat sat', 0, 'mic', 100, { id: s.committed[0]!.segmentId! });
    const after = reduceCaptions(s, { type: 'segment-updated', segment: seg });
    expect(rowsOf(after).map((l) => l.text)).toEqual(['the hat sat', 'on the mat']);
    expect(rowsOf(s).map((l) => l.text)).toEqual(['the cat sat', 'on the mat']);
  });

  it('knows the newest meeting time it has heard of', () => {
    const s = run(final('a', 'one two', 1000), partial('b', 'three four five', 4000, 'system'));
    expect(latestCaptureMs(s)).toBe(4000 + 3 * 300);
  });
});

describe('live status words', () => {
  const lag = (lagMs: number, thinned = false): TranscriptLag => ({
    meetingId: 1,
    captureMs: 0,
    emittedAt: 0,
    channel: 'mic',
    lagMs,
    thinned,
  });
  it('says how far behind decoding is, only when it matters', () => {
    expect(lagText({ mic: lag(3200), system: lag(400) })).toBe('Catching up: 3.2 s behind');
    expect(lagText({ mic: lag(300), system: null })).toBeNull();
    expect(lagText({ mic: lag(300, true), system: null })).toBe('Catching up: 0.3 s behind');
  });
  it('marks the moment on Ctrl+M and Cmd+M only', () => {
    const key = (init: Partial<KeyboardEvent>) =>
      isMarkHotkey({ key: 'm', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init });
    expect(key({ ctrlKey: true })).toBe(true);
    expect(key({ metaKey: true, key: 'M' })).toBe(true);
    expect(key({})).toBe(false);
    expect(key({ ctrlKey: true, shiftKey: true })).toBe(false);
    expect(key({ ctrlKey: true, key: 'n' })).toBe(false);
  });
});

/* ---- The Live page ----------------------------------------------------------------------------- */

/**
 * jsdom does no layout: the captions box is 400 px high, each row 40 px, and scrollTop is clamped to
 * the content like a browser does (so "scrolled to the bottom" means something).
 */
const saved: [object, string, PropertyDescriptor | undefined][] = [];
function stub(target: object, key: string, descriptor: PropertyDescriptor) {
  saved.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
}
const VIEWPORT = 400;
const contentHeight = (el: HTMLElement) => {
  const inner = el.querySelector<HTMLElement>('.captions-inner');
  return inner ? parseFloat(inner.style.height) || 0 : 0;
};
let removeMicrophone = () => {};
beforeAll(() => {
  const tops = new WeakMap<Element, number>();
  stub(HTMLElement.prototype, 'clientHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('captions') ? VIEWPORT : 0;
    },
  });
  stub(HTMLElement.prototype, 'scrollHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('captions') ? Math.max(VIEWPORT, contentHeight(this)) : 0;
    },
  });
  stub(HTMLElement.prototype, 'offsetHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('captions-row') ? 40 : 0;
    },
  });
  stub(HTMLElement.prototype, 'scrollTop', {
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    // Like a browser: clamped to the content, and a change fires 'scroll' (later, not inside the setter).
    set(this: HTMLElement, value: number) {
      const next = Math.max(0, Math.min(value, this.scrollHeight - this.clientHeight));
      if (next === (tops.get(this) ?? 0)) return;
      tops.set(this, next);
      setTimeout(() => this.dispatchEvent(new Event('scroll')), 0);
    },
  });
  stub(HTMLElement.prototype, 'scrollTo', {
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? 0;
    },
  });
  removeMicrophone = installFakeMicrophone();
});
afterAll(() => {
  removeMicrophone();
  for (const [target, key, descriptor] of saved.reverse()) {
    if (descriptor) Object.defineProperty(target, key, descriptor);
    else delete (target as Record<string, unknown>)[key];
  }
});
afterEach(resetApp);

const MIC = { id: 41, label: 'SPEAKER_00' };
const REMOTE = { id: 42, label: 'SPEAKER_01' };

async function startLive(options: { title?: string; recordOnly?: boolean } = {}) {
  const app = renderApp({
    hash: '#/live',
    settings: { captureSystemAudio: false, localSpeakerName: 'Ana', confidenceThreshold: 0.8 },
  });
  const script = liveScript(app.backend);
  if (options.title)
    fireEvent.change(screen.getByLabelText('Meeting title'), { target: { value: options.title } });
  if (options.recordOnly) fireEvent.click(screen.getByLabelText(/Record only/));
  fireEvent.click(
    screen.getByRole('button', { name: options.recordOnly ? 'Record' : 'Start live captions' }),
  );
  await screen.findByRole('button', { name: 'Stop' });
  return { ...app, script };
}

/** Events travel through the real protocol link (microtasks): let them arrive and render. */
async function events(fn: () => void): Promise<void> {
  await act(async () => {
    fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const captionsLog = () => screen.getByRole('log', { name: 'Live captions' });
const captionRowsOnScreen = () => within(captionsLog()).queryAllByTestId('caption');

describe('the Live page', () => {
  it('starts a live meeting with its title and shows the transcription mode', async () => {
    const { script } = await startLive({ title: 'Weekly sync' });
    expect(script.starts).toEqual([{ title: 'Weekly sync', mode: 'live' }]);
    expect(screen.getByTestId('recorder-phase').textContent).toBe('Recording');
    await events(() => script.status({ asrMode: 'streaming+final-pass' }));
    expect(screen.getByTestId('live-asr-mode').textContent).toBe('Live captions, refined after each pause');
    // The title cannot change under a running meeting.
    expect((screen.getByLabelText('Meeting title') as HTMLInputElement).disabled).toBe(true);
  });

  it('passes the far-end speaker count when the user knows it', async () => {
    const app = renderApp({ hash: '#/live', settings: { captureSystemAudio: false } });
    const script = liveScript(app.backend);
    fireEvent.change(screen.getByLabelText('People on the far end (if known)'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start live captions' }));
    await screen.findByRole('button', { name: 'Stop' });
    expect(script.starts).toEqual([{ title: undefined, mode: 'live', remoteSpeakers: 3 }]);
  });

  it('starts a record-only meeting without a caption list', async () => {
    const { script } = await startLive({ recordOnly: true });
    expect(script.starts).toEqual([{ title: undefined, mode: 'record-only' }]);
    expect(screen.queryByRole('log', { name: 'Live captions' })).toBeNull();
    expect(screen.getByText(/transcribed after it ends/)).toBeTruthy();
  });

  it('styles the partial as provisional and replaces it with the final', async () => {
    const { script } = await startLive();
    await events(() => void script.partial({ key: 'm1', text: 'so the plan', startMs: 0 }));
    const [tail] = captionRowsOnScreen();
    expect(tail!.dataset.provisional).toBe('true');
    expect(tail!.className).toContain('caption-provisional');
    expect(tail!.getAttribute('aria-hidden')).toBe('true');
    expect(tail!.textContent).toContain('so the plan');

    await events(() => void script.final({ key: 'm1', text: 'so the plan is', startMs: 0, speaker: MIC }));
    const rows = captionRowsOnScreen();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dataset.provisional).toBe('false');
    expect(rows[0]!.className).toContain('caption-final');
    expect(rows[0]!.className).not.toContain('caption-provisional');
    expect(rows[0]!.hasAttribute('aria-hidden')).toBe(false);
    expect(rows[0]!.textContent).toContain('so the plan is');
  });

  it('removes a partial the echo guard dropped', async () => {
    const { script } = await startLive();
    await events(() => void script.partial({ key: 'echo', text: 'what the speakers said', startMs: 0 }));
    expect(captionRowsOnScreen()).toHaveLength(1);
    await events(() => script.echoDropped({ key: 'echo', text: 'what the speakers said' }));
    expect(captionRowsOnScreen()).toHaveLength(0);
  });

  it('labels and colours speakers, badges emotions and underlines unsure words', async () => {
    const { script } = await startLive();
    await events(() => {
      script.final({ key: 'a', text: 'good morning', startMs: 0, speaker: MIC });
      script.final({
        key: 'b',
        channel: 'system',
        text: 'morning all',
        startMs: 1000,
        speaker: REMOTE,
        emotion: 'happy',
        confidences: [0.99, 0.42],
      });
    });
    const rows = captionRowsOnScreen();
    const names = rows.map((r) => within(r).getByTestId('caption-speaker'));
    expect(names.map((n) => n.textContent)).toEqual(['Ana', 'SPEAKER_01']);
    expect(names[0]!.className).toMatch(/speaker-\d/);
    expect(names[1]!.className).toMatch(/speaker-\d/);
    expect(names[0]!.className).not.toBe(names[1]!.className);
    expect(within(rows[1]!).getByTestId('caption-emotion').textContent).toBe('happy');
    expect(within(rows[0]!).queryByTestId('caption-emotion')).toBeNull();
    const unsure = rows[1]!.querySelectorAll('.word-low');
    expect([...unsure].map((w) => [w.textContent, w.getAttribute('title')])).toEqual([
      ['all', 'Confidence 42%'],
    ]);
    expect(rows[0]!.querySelectorAll('.word-low')).toHaveLength(0);
  });

  it('follows the newest line until the user scrolls up, then offers a jump back to live', async () => {
    const { script } = await startLive();
    const box = captionsLog();
    await events(() => {
      for (let i = 0; i < 30; i++)
        script.final({ key: `k${i}`, text: `line number ${i}`, startMs: i * 2000, speaker: MIC });
    });
    const bottom = () => box.scrollHeight - box.clientHeight;
    await waitFor(() => expect(box.scrollTop).toBe(bottom()));
    expect(bottom()).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: /Jump to live/ })).toBeNull();

    // The user scrolls up: following pauses and new lines do not move the view.
    await events(() => box.scrollTo({ top: 100 }));
    const jump = await screen.findByRole('button', { name: /Jump to live/ });
    expect(box.getAttribute('aria-live')).toBe('off');
    await events(() => void script.final({ key: 'late', text: 'a new line', startMs: 70_000, speaker: MIC }));
    expect(box.scrollTop).toBe(100);

    fireEvent.click(jump);
    await waitFor(() => expect(box.scrollTop).toBe(bottom()));
    expect(screen.queryByRole('button', { name: /Jump to live/ })).toBeNull();
    expect(box.getAttribute('aria-live')).toBe('polite');
    expect(document.activeElement).toBe(box);
  });

  it('announces committed lines through a log region, virtualized at many lines', async () => {
    const { script } = await startLive();
    await events(() => {
      for (let i = 0; i < 500; i++)
        script.final({ key: `k${i}`, text: `line ${i}`, startMs: i * 2000, speaker: MIC });
    });
    const box = captionsLog();
    expect(box.getAttribute('aria-live')).toBe('polite');
    expect(box.tabIndex).toBe(0);
    // Only what is in view (plus overscan) is in the DOM, and it is the newest lines.
    const rows = captionRowsOnScreen();
    expect(rows.length).toBeLessThan(40);
    expect(rows.at(-1)!.textContent).toContain('line 499');
  });

  it('marks the moment with Ctrl+M and adds notes, at the meeting time', async () => {
    const { backend, script } = await startLive();
    await events(
      () =>
        void script.final({
          key: 'a',
          text: 'the budget is fine',
          startMs: 10_000,
          endMs: 12_345,
          speaker: MIC,
        }),
    );
    fireEvent.keyDown(window, { key: 'm', ctrlKey: true });
    await screen.findByText('Moment marked at 00:00:12');
    const notes = () => backend.archive.get(script.meetingId())!.notes;
    expect(notes()).toMatchObject([{ kind: 'bookmark', atMs: 12_345, meetingId: script.meetingId() }]);

    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'Ask about Q3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    await screen.findByText('Note added at 00:00:12');
    expect(notes()[1]).toMatchObject({ kind: 'note', text: 'Ask about Q3', atMs: 12_345 });
    expect((screen.getByLabelText('Note') as HTMLInputElement).value).toBe('');

    fireEvent.click(screen.getByRole('button', { name: /Mark moment/ }));
    await waitFor(() => expect(notes()).toHaveLength(3));
  });

  it('shows lag, level meters and warnings', async () => {
    const { script } = await startLive();
    await events(() => script.lag({ lagMs: 3200 }));
    expect(screen.getByTestId('live-lag').textContent).toBe('Catching up: 3.2 s behind');
    await events(() => script.lag({ lagMs: 200 }));
    expect(screen.getByTestId('live-lag').textContent).toBe('');
    await events(() => script.level('mic', -23.4));
    expect((screen.getByLabelText('Microphone level') as HTMLMeterElement).value).toBeCloseTo(-23.4);
    await events(() =>
      script.warning('mic', 'silent-source', 'The microphone has been silent for 30 seconds.'),
    );
    expect(screen.getByRole('alert').textContent).toContain('silent for 30 seconds');
  });

  it('pauses, resumes and stops, keeping the captions of the meeting', async () => {
    const { script } = await startLive();
    await events(() => void script.final({ key: 'a', text: 'last words', startMs: 0, speaker: MIC }));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    await screen.findByText('Open the recorded meeting');
    expect(captionRowsOnScreen().map((r) => r.textContent)).toEqual([expect.stringContaining('last words')]);
  });
});

describe('the captions window', () => {
  it('opened mid-meeting, shows what the archive already holds of it', async () => {
    const backend = startFakeBackend({ localSpeakerName: 'Ana' });
    try {
      const started = await backend.api.invoke('recording.start', { mode: 'live' });
      if (!started.ok) throw new Error(started.error.message);
      const detail = backend.archive.get(started.value.meetingId)!;
      const said = (id: number, startMs: number, text: string): Segment => ({
        ...segment(text, startMs, 'system', REMOTE.id),
        id,
        meetingId: detail.meeting.id,
      });
      detail.speakers.push({
        ...REMOTE,
        meetingId: detail.meeting.id,
        displayName: 'Tahani',
        channel: 'system',
        colour: null,
        voiceprintId: null,
      });
      detail.segments.push(said(901, 0, 'said before'), said(902, 2000, 'the window opened'));
      window.location.hash = '#/captions';
      const view = render(<App api={backend.api} />).container;
      await waitFor(() =>
        expect(
          within(view)
            .getAllByRole('listitem')
            .map((l) => l.textContent),
        ).toEqual(['Tahanisaid before', 'Tahanithe window opened']),
      );
    } finally {
      cleanup();
      backend.close();
    }
  });

  it('shows the last two lines without the app navigation', async () => {
    const { backend } = await startLive();
    const script = liveScript(backend);
    await events(() => {
      script.final({ key: 'a', text: 'first line', startMs: 0, speaker: MIC });
      script.final({ key: 'b', text: 'second line', startMs: 1000, speaker: REMOTE, channel: 'system' });
      script.partial({ key: 'c', text: 'third in progress', startMs: 2000 });
    });
    // A second window on the same backend: the captions page opened mid-meeting.
    resetRenderOnly();
    const view = renderCaptionsWindow(backend);
    await within(view).findByText('Ana'); // once the settings (the local name) arrived
    const lines = within(view).getAllByRole('listitem');
    expect(lines.map((l) => l.textContent)).toEqual(['SPEAKER_01second line', 'Anathird in progress']);
    expect(lines[1]!.dataset.provisional).toBe('true');
    expect(within(view).queryByRole('navigation')).toBeNull();
  });
});

// --- helpers for the captions window test ---------------------------------------------------------

/** Unmounts the main window but keeps its backend (and its recording) running. */
function resetRenderOnly() {
  cleanup();
}

function renderCaptionsWindow(backend: FakeBackend): HTMLElement {
  window.location.hash = '#/captions';
  // The same connection: its captions store already holds the meeting's lines.
  return render(<App api={backend.api} />).container;
}

/* ---- Latency debug panel (issue 8 item 6) --------------------------------------------------------- */

describe('LatencyMeter', () => {
  it('derives audio -> partial, endpoint -> final and delivery from the events’ own timestamps', () => {
    const meter = new LatencyMeter();
    expect(meter.summary('delivery')).toBeNull();
    // Recorded 5,300 ms of the meeting when a partial covering audio up to 5,000 ms arrived 4 ms after it left.
    meter.partial({ captureMs: 5000, emittedAt: 1_000_000 }, 1_000_004, 5300);
    // Another window captures: no audio reference, delivery still counts.
    meter.partial({ captureMs: 6000, emittedAt: 1_000_100 }, 1_000_102, null);
    meter.final({ emittedAt: 1_000_250, endpointAt: 1_000_130 }, 1_000_251);
    expect(meter.summary('audioToPartial')).toMatchObject({ count: 1, last: 300, p50: 300 });
    expect(meter.summary('endpointToFinal')).toMatchObject({ count: 1, last: 120 });
    expect(meter.summary('delivery')).toMatchObject({ count: 3, last: 1, p50: 2, max: 4 });
  });

  it('keeps the last 256 samples, so the percentiles follow the meeting as it goes on', () => {
    const meter = new LatencyMeter();
    for (let i = 0; i < 256; i++) meter.record('endpointToFinal', 1000);
    for (let i = 0; i < 256; i++) meter.record('endpointToFinal', i < 243 ? 10 : 500);
    const s = meter.summary('endpointToFinal')!;
    expect(s).toMatchObject({ count: 256, p50: 10, max: 500, last: 500 });
    expect(s.p95).toBe(500);
    meter.record('delivery', -3);
    expect(meter.summary('delivery')!.last).toBe(0);
  });
});

describe('the latency panel', () => {
  it('shows the figures of the running meeting when opened', async () => {
    const { script } = await startLive();
    const panel = screen.getByText('Latency (debug)').closest('details')!;
    await events(() => {
      script.partial({ key: 'm1', text: 'so the plan', startMs: 0 });
      script.final({ key: 'm1', text: 'so the plan', startMs: 0, speaker: MIC });
    });
    await act(async () => {
      panel.open = true;
      panel.dispatchEvent(new Event('toggle'));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const table = within(panel).getByRole('table');
    const row = (name: string) => within(table).getByRole('row', { name: new RegExp(`^${name}`) });
    expect(row('Endpoint → final').textContent).toMatch(/\d+ ms/);
    // One partial and one final reached this window.
    expect(within(row('Backend → window')).getAllByRole('cell').at(-1)!.textContent).toBe('2');
  });
});
