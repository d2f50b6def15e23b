import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { MediaChannel, MediaChannelName, Segment } from '../../../main/api';
import type { Remote } from '../backend/remote';
import { useMediaSources } from './media';
import { samePlayingWord, wordAt, type PlayingWord } from './position';
import { PlaybackTransport, type TransportState } from './transport';

export const SKIP_MS = 5000;

/**
 * One meeting's playback: what rarely changes (the sources, the transport, the user's choices).
 * The position is not in here on purpose: it changes several times a second, and only the parts that
 * show it (Player, PlayableTranscript) subscribe to it, so the rest of the meeting view does not
 * render again while audio plays.
 */
export interface MeetingPlayback {
  sources: Remote<MediaChannel[]>;
  transport: PlaybackTransport;
  follow: boolean;
  setFollow(follow: boolean): void;
  muted: Readonly<Record<MediaChannelName, boolean>>;
  setMuted(channel: MediaChannelName, muted: boolean): void;
  seek(ms: number): void;
  skip(deltaMs: number): void;
  toggle(): void;
  /** Ref callbacks for the channels' <audio> elements. */
  attach: Readonly<Record<MediaChannelName, (element: HTMLAudioElement | null) => void>>;
}

/** True when the meeting has audio to play. */
export function hasPlayableAudio(playback: MeetingPlayback): boolean {
  return playback.sources.state === 'ok' && playback.sources.value.length > 0;
}

/**
 * Playback of one meeting. `startAtMs` (a search hit's moment) becomes the starting position once.
 * `status` is the meeting's status: its audio is looked up again when it changes (WAV -> MP3 at the end).
 */
export function useMeetingPlayback(options: {
  meetingId: number;
  hasAudio: boolean;
  startAtMs: number | null;
  status?: string | undefined;
}): MeetingPlayback {
  const { meetingId, hasAudio, startAtMs } = options;
  const sources = useMediaSources(meetingId, hasAudio, options.status ?? '');
  const transport = useMemo(() => new PlaybackTransport(), []);
  const [follow, setFollow] = useState(true);
  const [muted, setMutedState] = useState<Record<MediaChannelName, boolean>>({ mic: false, system: false });

  useEffect(() => () => transport.dispose(), [transport]);

  useEffect(() => {
    if (sources.state === 'ok') transport.setKnownDurations(sources.value);
  }, [sources, transport]);

  const startedAt = useRef<number | null>(null);
  useEffect(() => {
    if (startAtMs === null || startedAt.current === startAtMs) return;
    if (sources.state !== 'ok' || sources.value.length === 0) return;
    startedAt.current = startAtMs;
    transport.seek(startAtMs);
  }, [startAtMs, sources, transport]);

  const attach = useMemo(
    () => ({
      mic: (element: HTMLAudioElement | null) => transport.attach('mic', element),
      system: (element: HTMLAudioElement | null) => transport.attach('system', element),
    }),
    [transport],
  );
  const setMuted = useCallback(
    (channel: MediaChannelName, value: boolean) => {
      transport.setMuted(channel, value);
      setMutedState((current) => ({ ...current, [channel]: value }));
    },
    [transport],
  );
  const seek = useCallback((ms: number) => transport.seek(ms), [transport]);
  const skip = useCallback((deltaMs: number) => transport.skip(deltaMs), [transport]);
  const toggle = useCallback(() => transport.toggle(), [transport]);

  return useMemo(
    () => ({ sources, transport, follow, setFollow, muted, setMuted, seek, skip, toggle, attach }),
    [sources, transport, follow, muted, setMuted, seek, skip, toggle, attach],
  );
}

/** The transport's state (event-driven, ~4 Hz while playing). */
export function useTransportState(transport: PlaybackTransport): TransportState {
  return useSyncExternalStore(transport.subscribe, transport.getSnapshot);
}

/**
 * The word under the playhead. While playing, an animation-frame loop reads the live position so the
 * highlight moves with the voice (timeupdate alone is ~4 Hz); React state changes only when the word
 * does. The transcript can change under a paused playhead (an edit, a reload): a word found in an
 * older list is looked up again in the current one.
 */
export function usePlayingWord(
  transport: PlaybackTransport,
  segments: readonly Segment[],
  enabled: boolean,
): PlayingWord | null {
  // The word with the list it was found in: a result for another list is stale.
  const [found, setFound] = useState<{ segments: readonly Segment[]; word: PlayingWord | null } | null>(null);
  const segmentsRef = useRef(segments);
  useEffect(() => {
    segmentsRef.current = segments;
  }, [segments]);

  useEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const update = () => {
      const list = segmentsRef.current;
      const next = wordAt(list, transport.state.currentMs);
      setFound((current) =>
        current && current.segments === list && samePlayingWord(current.word, next)
          ? current
          : { segments: list, word: next },
      );
    };
    const loop = () => {
      update();
      frame = requestAnimationFrame(loop);
    };
    const onChange = () => {
      update();
      cancelAnimationFrame(frame);
      if (transport.getSnapshot().playing) frame = requestAnimationFrame(loop);
    };
    const unsubscribe = transport.subscribe(onChange);
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [transport, enabled]);

  if (!enabled) return null;
  return found?.segments === segments ? found.word : wordAt(segments, transport.state.currentMs);
}

/** Keys typed into these must stay theirs: Space types a space, presses a button, ticks a box. */
const OWN_SPACE =
  'input, textarea, select, button, a[href], summary, [contenteditable], [role="button"], [role="textbox"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="option"], dialog';

/** Space anywhere else on the page plays or pauses. */
export function useSpaceToPlay(toggle: () => void, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== ' ' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target instanceof Element && target.closest(OWN_SPACE)) return;
      event.preventDefault();
      toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle, enabled]);
}
