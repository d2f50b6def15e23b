import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { MediaChannelName } from '../../../main/api';
import { mediaUrlFor } from './media';

/**
 * "Play the audio around this word" (the review queue, DESIGN.md "Confidence and review"): plays a
 * meeting's audio from a little before a span to a little after it, then stops. One <audio> element per
 * channel, made on first use and kept (the browser keeps what it buffered), not in the document.
 */

export interface Span {
  startMs: number;
  endMs: number;
  /** Only this channel (a segment's channel); both when absent. */
  channel?: MediaChannelName;
}

export interface SpanPlayerState {
  playing: boolean;
  /** The span being (or last) played. */
  span: Span | null;
  error: string | null;
}

export interface SpanPlayer {
  play(span: Span): void;
  stop(): void;
  /** Play, or stop when this span is already playing (the review page's Space). */
  toggle(span: Span): void;
  readonly state: SpanPlayerState;
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

export const DEFAULT_PAD_MS = 500;

export function createSpanPlayer(
  meetingId: number,
  options: { padMs?: number; createAudio?: () => HTMLAudioElement } = {},
): SpanPlayer {
  const padMs = options.padMs ?? DEFAULT_PAD_MS;
  const createAudio = options.createAudio ?? (() => document.createElement('audio'));
  const elements = new Map<MediaChannelName, HTMLAudioElement>();
  const listeners = new Set<() => void>();
  let state: SpanPlayerState = { playing: false, span: null, error: null };
  let frame = 0;
  let stopAtS = 0;

  const set = (next: Partial<SpanPlayerState>) => {
    state = { ...state, ...next };
    for (const listener of [...listeners]) listener();
  };
  const elementFor = (channel: MediaChannelName) => {
    let element = elements.get(channel);
    if (!element) {
      element = createAudio();
      element.preload = 'auto';
      element.src = mediaUrlFor(meetingId, channel);
      elements.set(channel, element);
    }
    return element;
  };
  const active = (span: Span) =>
    span.channel ? [elementFor(span.channel)] : [elementFor('mic'), elementFor('system')];

  // timeupdate comes every ~250 ms, too coarse to stop half a second after a word: watch each frame.
  const watch = () => {
    const playingElements = [...elements.values()].filter((e) => !e.paused);
    if (playingElements.length === 0 || playingElements.some((e) => e.currentTime >= stopAtS)) {
      stop();
      return;
    }
    frame = requestAnimationFrame(watch);
  };

  function stop(): void {
    cancelAnimationFrame(frame);
    for (const element of elements.values()) element.pause();
    if (state.playing) set({ playing: false });
  }

  function play(span: Span): void {
    stop();
    const from = Math.max(0, span.startMs - padMs) / 1000;
    stopAtS = (span.endMs + padMs) / 1000;
    const targets = active(span);
    set({ playing: true, span, error: null });
    let failures = 0;
    for (const element of targets) {
      element.currentTime = from;
      element
        .play()
        .then(() => {
          cancelAnimationFrame(frame);
          frame = requestAnimationFrame(watch);
        })
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          // A meeting without system audio: the mic alone is fine. Only all failing is an error.
          if (++failures === targets.length) {
            set({
              playing: false,
              error: `Could not play the audio: ${error instanceof Error ? error.message : String(error)}`,
            });
          }
        });
    }
  }

  return {
    play,
    stop,
    toggle(span) {
      const same = state.span && state.span.startMs === span.startMs && state.span.endMs === span.endMs;
      if (state.playing && same) stop();
      else play(span);
    },
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      stop();
      for (const element of elements.values()) element.removeAttribute('src');
      elements.clear();
    },
  };
}

/**
 * The span player of one meeting as React state; stopped when the meeting changes or the view goes
 * (dispose only stops and lets go of the buffered audio: the player still works if used again).
 */
export function useSpanPlayer(meetingId: number): { player: SpanPlayer; state: SpanPlayerState } {
  const player = useMemo(() => createSpanPlayer(meetingId), [meetingId]);
  const state = useSyncExternalStore(player.subscribe, () => player.state);
  useEffect(() => () => player.dispose(), [player]);
  return { player, state };
}
