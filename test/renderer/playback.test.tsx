import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MediaChannel, MeetingDetail, ParamsOf, VerbatimApi } from '../../main/api';
import { App } from '../../renderer/src/App';
import { mediaUrlFor } from '../../renderer/src/playback/media';
import { timelineBlocks, timelineTurns, wordAt } from '../../renderer/src/playback/position';
import { createSpanPlayer } from '../../renderer/src/playback/span';
import { startFakeBackend, type FakeBackend } from './fake-backend';
import type { NewMeeting } from './fake-archive';

/**
 * jsdom does no layout and plays no media. Layout as in meeting.test.tsx (a 600 px transcript box,
 * 40 px rows); media elements get a minimal model: play()/pause() flip `paused` and fire their events,
 * `duration` is unknown (NaN, as before metadata), currentTime is jsdom's own plain property.
 */
const saved: [object, string, PropertyDescriptor | undefined][] = [];
function stub(target: object, key: string, descriptor: PropertyDescriptor) {
  saved.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
}
const pausedState = new WeakMap<HTMLMediaElement, boolean>();
const playCalls: HTMLMediaElement[] = [];
beforeAll(() => {
  const tops = new WeakMap<Element, number>();
  stub(HTMLElement.prototype, 'clientHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('transcript') ? 600 : 0;
    },
  });
  stub(HTMLElement.prototype, 'scrollHeight', {
    get(this: HTMLElement) {
      const inner = this.firstElementChild as HTMLElement | null;
      return this.classList.contains('transcript') && inner ? parseFloat(inner.style.height) || 0 : 0;
    },
  });
  stub(HTMLElement.prototype, 'offsetHeight', {
    get(this: HTMLElement) {
      return this.classList.contains('transcript-row') ? 40 : 0;
    },
  });
  stub(HTMLElement.prototype, 'scrollTop', {
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      tops.set(this, value);
    },
  });
  stub(HTMLElement.prototype, 'scrollTo', {
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? 0;
      this.dispatchEvent(new Event('scroll'));
    },
  });
  stub(HTMLMediaElement.prototype, 'paused', {
    get(this: HTMLMediaElement) {
      return pausedState.get(this) ?? true;
    },
  });
  stub(HTMLMediaElement.prototype, 'play', {
    value(this: HTMLMediaElement) {
      playCalls.push(this);
      pausedState.set(this, false);
      this.dispatchEvent(new Event('play'));
      return Promise.resolve();
    },
  });
  stub(HTMLMediaElement.prototype, 'pause', {
    value(this: HTMLMediaElement) {
      if (pausedState.get(this) === false) {
        pausedState.set(this, true);
        this.dispatchEvent(new Event('pause'));
      }
    },
  });
});
afterAll(() => {
  for (const [target, key, descriptor] of saved.reverse()) {
    if (descriptor) Object.defineProperty(target, key, descriptor);
    else delete (target as Record<string, unknown>)[key];
  }
});

let running: FakeBackend[] = [];
afterEach(() => {
  cleanup();
  for (const backend of running) backend.close();
  running = [];
  playCalls.length = 0;
  window.location.hash = '';
});

const CALL: NewMeeting = {
  title: 'Design review',
  speakers: ['SPEAKER_00', 'SPEAKER_01'],
  segments: [
    { speaker: 0, startMs: 0, endMs: 3000, text: 'welcome to the review', confidences: [1, 1, 1, 1] },
    { speaker: 1, startMs: 4000, endMs: 7000, text: 'the mockups are ready', confidences: [1, 1, 1, 1] },
    { speaker: 0, startMs: 8000, endMs: 9000, text: 'great' },
  ],
};

/** Words 750 ms apart inside their segment: what an engine gives, which the fake archive does not. */
function spreadWords(detail: MeetingDetail): void {
  for (const segment of detail.segments) {
    segment.words = segment.words.map((word, i) => ({
      ...word,
      startMs: segment.startMs + i * 750,
      endMs: segment.startMs + i * 750 + 600,
    }));
  }
}

function channels(meetingId: number, scale = 1): MediaChannel[] {
  return [
    {
      channel: 'mic',
      url: mediaUrlFor(meetingId, 'mic'),
      mimeType: 'audio/wav',
      durationMs: 9500 * scale,
      bytes: 1,
      format: 'wav',
    },
    {
      channel: 'system',
      url: mediaUrlFor(meetingId, 'system'),
      mimeType: 'audio/mpeg',
      durationMs: 10_000 * scale,
      bytes: 1,
      format: 'mp3',
    },
  ];
}

/** The app against the fake backend, with media.sources answered here (the fake does not model audio). */
async function openMeeting(options: { audio: boolean; meeting?: NewMeeting; durationScale?: number }) {
  const backend = startFakeBackend();
  running.push(backend);
  const meeting = options.meeting ?? CALL;
  const detail = backend.archive.add(meeting);
  spreadWords(backend.archive.get(detail.meeting.id)!);
  if (options.audio) backend.archive.get(detail.meeting.id)!.meeting.audioDir = '/data/recordings/1';
  const sourcesAsked: ParamsOf<'media.sources'>[] = [];
  const api: VerbatimApi = {
    invoke: ((method, params, callOptions) => {
      if (method === 'media.sources') {
        sourcesAsked.push(params as ParamsOf<'media.sources'>);
        return Promise.resolve({
          ok: true,
          value: { channels: channels(detail.meeting.id, options.durationScale ?? 1) },
        });
      }
      return backend.api.invoke(method, params, callOptions);
    }) as VerbatimApi['invoke'],
    request: backend.api.request.bind(backend.api),
    on: backend.api.on.bind(backend.api),
  };
  window.verbatim = api;
  window.location.hash = `#/meeting/${detail.meeting.id}`;
  render(<App api={api} />);
  await screen.findByRole('heading', { level: 1, name: meeting.title });
  return { backend, detail, sourcesAsked };
}

const audio = (channel: 'mic' | 'system') => screen.getByTestId(`audio-${channel}`) as HTMLAudioElement;
const word = (text: string) => {
  const found = [...document.querySelectorAll<HTMLElement>('.word')].find((w) => w.textContent === text);
  if (!found) throw new Error(`no word '${text}'`);
  return found;
};
const current = () => [...document.querySelectorAll('[aria-current="time"]')].map((e) => e.textContent);

describe('meeting playback', () => {
  it('plays both channels from their media URLs, one transport', async () => {
    const { detail, sourcesAsked } = await openMeeting({ audio: true });
    await screen.findByRole('region', { name: 'Playback' });
    expect(sourcesAsked).toEqual([{ meetingId: detail.meeting.id }]);
    expect(audio('mic').getAttribute('src')).toBe(`media/${detail.meeting.id}/mic?v=wav`);
    expect(audio('system').getAttribute('src')).toBe(`media/${detail.meeting.id}/system?v=mp3`);
    fireEvent.click(screen.getByRole('button', { name: 'Play' }));
    expect(new Set(playCalls)).toEqual(new Set([audio('mic'), audio('system')]));
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(audio('mic').paused && audio('system').paused).toBe(true);
  });

  it('seeks every channel to a word when it is clicked', async () => {
    await openMeeting({ audio: true });
    await screen.findByRole('region', { name: 'Playback' });
    fireEvent.click(word('mockups'));
    // "the mockups are ready" starts at 4000 ms; "mockups" is its second word (750 ms later).
    expect(audio('system').currentTime).toBeCloseTo(4.75, 5);
    expect(audio('mic').currentTime).toBeCloseTo(4.75, 5);
    expect(current()).toEqual(['mockups']);
    expect(screen.getByTestId('player-time').textContent).toBe('0:04 / 0:10');
  });

  it('highlights the playing word as time updates, and nothing between segments', async () => {
    await openMeeting({ audio: true });
    await screen.findByRole('region', { name: 'Playback' });
    // The longer channel (system, 10 s) keeps time.
    const tick = (seconds: number) =>
      act(() => {
        audio('system').currentTime = seconds;
        audio('system').dispatchEvent(new Event('timeupdate'));
      });
    tick(0.8);
    expect(current()).toEqual(['to']);
    tick(6.4);
    expect(current()).toEqual(['ready']);
    tick(7.5);
    expect(current()).toEqual([]);
    // A segment without word timings is highlighted whole.
    tick(8.2);
    expect(current()).toEqual(['great']);
    expect(document.querySelector('[aria-current="time"]')!.className).toContain('segment-plain');
  });

  it('plays from a turn with the keyboard, and skips ±5 s', async () => {
    await openMeeting({ audio: true });
    await screen.findByRole('region', { name: 'Playback' });
    fireEvent.click(screen.getByRole('button', { name: 'Play from 00:00:04' }));
    expect(audio('system').currentTime).toBe(4);
    fireEvent.click(screen.getByRole('button', { name: 'Forward 5 seconds' }));
    expect(audio('system').currentTime).toBe(9);
    // Past the shorter channel's end, it waits at its end.
    expect(audio('mic').currentTime).toBe(9);
    fireEvent.click(screen.getByRole('button', { name: 'Forward 5 seconds' }));
    expect(audio('system').currentTime).toBe(10);
    expect(audio('mic').currentTime).toBe(9.5);
    fireEvent.click(screen.getByRole('button', { name: 'Back 5 seconds' }));
    expect(audio('system').currentTime).toBe(5);
    const slider = screen.getByRole('slider', { name: 'Position in the meeting' });
    fireEvent.keyDown(slider, { key: 'Home' });
    expect(audio('system').currentTime).toBe(0);
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(audio('system').currentTime).toBe(5);
    expect(slider.getAttribute('aria-valuetext')).toBe('0:05 of 0:10');
  });

  it('plays and pauses with Space, except while typing', async () => {
    await openMeeting({ audio: true });
    await screen.findByRole('region', { name: 'Playback' });
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(audio('system').paused).toBe(false);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(audio('system').paused).toBe(true);
    const note = screen.getByLabelText('Add a note');
    fireEvent.keyDown(note, { key: ' ' });
    expect(audio('system').paused).toBe(true);
  });

  it('mutes one channel and keeps the other playing', async () => {
    await openMeeting({ audio: true });
    const playback = await screen.findByRole('region', { name: 'Playback' });
    fireEvent.click(within(playback).getByRole('checkbox', { name: /System audio/ }));
    expect(audio('system').muted).toBe(true);
    expect(audio('mic').muted).toBe(false);
  });

  it('follows the playing word through a long transcript, unless told not to', async () => {
    const long: NewMeeting = {
      title: 'All hands',
      speakers: ['SPEAKER_00', 'SPEAKER_01'],
      segments: Array.from({ length: 400 }, (_, i) => ({
        speaker: i % 2,
        startMs: i * 2000,
        endMs: i * 2000 + 1800,
        text: `point number ${i}`,
        confidences: [1, 1, 1],
      })),
    };
    // 400 segments of 2 s: 800 s of audio.
    await openMeeting({ audio: true, meeting: long, durationScale: 80 });
    await screen.findByRole('region', { name: 'Playback' });
    const transcript = document.querySelector<HTMLElement>('.transcript')!;
    const tick = (seconds: number) =>
      act(() => {
        audio('system').currentTime = seconds;
        audio('system').dispatchEvent(new Event('timeupdate'));
      });
    // Paused: the highlight moves, the transcript stays where the reader left it.
    tick(500.1);
    expect(transcript.scrollTop).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Play' }));
    tick(600.1);
    await waitFor(() => expect(transcript.scrollTop).toBeGreaterThan(0));
    expect(current()).toEqual(['point']);
    const row = document.querySelector('[aria-current="time"]')!.closest('[data-segment-id]')!;
    expect(row.textContent).toContain('point number 300');
    const followed = transcript.scrollTop;

    fireEvent.click(screen.getByRole('checkbox', { name: 'Follow along' }));
    tick(100.1);
    expect(transcript.scrollTop).toBe(followed);
  });

  it('says so when a meeting kept no audio, without asking the backend', async () => {
    const { sourcesAsked } = await openMeeting({ audio: false });
    await screen.findByText(/No audio was kept for this meeting/);
    expect(sourcesAsked).toEqual([]);
    expect(document.querySelector('audio')).toBeNull();
    expect(document.querySelector('.transcript-playable')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Play from/ })).toBeNull();
  });
});

describe('playback positions', () => {
  it('finds the word under the playhead, including overlapping channels', async () => {
    const backend = startFakeBackend();
    running.push(backend);
    const detail = backend.archive.add(CALL);
    spreadWords(detail);
    const { segments } = detail;
    expect(wordAt(segments, -1)).toBeNull();
    expect(wordAt(segments, 0)).toMatchObject({ segmentId: segments[0]!.id, ord: 0, index: 0 });
    // In the gap between two words the earlier one stays current.
    expect(wordAt(segments, 700)).toMatchObject({ ord: 0 });
    expect(wordAt(segments, 3500)).toBeNull();
    expect(wordAt(segments, 8999)).toMatchObject({ index: 2, ord: -1 });
    // A long mic segment that a later system segment overlaps is still found.
    const overlapping = [
      { ...segments[0]!, endMs: 20_000 },
      { ...segments[1]!, startMs: 4000, endMs: 5000 },
    ];
    expect(wordAt(overlapping, 12_000)).toMatchObject({ index: 0 });
    expect(timelineTurns(segments)).toHaveLength(3);
  });

  it('keeps the timeline to a bounded number of blocks, by who talked most', async () => {
    const backend = startFakeBackend();
    running.push(backend);
    // 10,000 short alternating turns; speaker 0 talks three times as long as speaker 1.
    const detail = backend.archive.add({
      title: 'Long',
      speakers: ['A', 'B'],
      segments: Array.from({ length: 10_000 }, (_, i) => ({
        speaker: i % 2,
        startMs: Math.floor(i / 2) * 4000 + (i % 2) * 3000,
        endMs: Math.floor(i / 2) * 4000 + (i % 2 ? 4000 : 3000),
        text: 'x',
      })),
    });
    const total = 5000 * 4000;
    const blocks = timelineBlocks(detail.segments, total, 500);
    expect(blocks.length).toBeLessThanOrEqual(500);
    const [a] = detail.speakers;
    expect(blocks.every((b) => b.speakerId === a!.id)).toBe(true);
    // Few turns are shown as they are.
    expect(timelineBlocks(detail.segments.slice(0, 10), total, 500)).toEqual(
      timelineTurns(detail.segments.slice(0, 10)),
    );
  });
});

describe('span player (the review queue)', () => {
  it('plays a span with padding on the segment channel and stops after it', async () => {
    const made: HTMLAudioElement[] = [];
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    try {
      const player = createSpanPlayer(7, {
        padMs: 500,
        createAudio: () => {
          const element = document.createElement('audio');
          made.push(element);
          return element;
        },
      });
      player.play({ startMs: 2000, endMs: 3000, channel: 'system' });
      expect(made).toHaveLength(1);
      expect(made[0]!.getAttribute('src')).toBe('media/7/system');
      expect(made[0]!.currentTime).toBe(1.5);
      expect(player.state.playing).toBe(true);
      await Promise.resolve();
      await Promise.resolve();
      made[0]!.currentTime = 3.6;
      frames.splice(0).forEach((f) => f(0));
      expect(player.state.playing).toBe(false);
      expect(made[0]!.paused).toBe(true);
      player.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
