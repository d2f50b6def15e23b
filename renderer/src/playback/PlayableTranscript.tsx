import { useSyncExternalStore } from 'react';
import type { Segment, Speaker } from '../../../main/api';
import { Transcript } from '../archive/Transcript';
import { hasPlayableAudio, usePlayingWord, type MeetingPlayback } from './usePlayback';

/**
 * The meeting's transcript wired to its playback: click a word to play from there, the playing word
 * highlighted, follow along while playing. It subscribes to the position itself, so the meeting view
 * around it does not render again on every word.
 */
export function PlayableTranscript({
  playback,
  segments,
  speakers,
  threshold,
  atMs,
}: {
  playback: MeetingPlayback;
  segments: Segment[];
  speakers: Speaker[];
  threshold: number;
  atMs: number | null;
}) {
  const playable = hasPlayableAudio(playback);
  const word = usePlayingWord(playback.transport, segments, playable);
  const playing = useSyncPlaying(playback);
  return (
    <Transcript
      segments={segments}
      speakers={speakers}
      threshold={threshold}
      atMs={atMs}
      playback={playable ? { word, follow: playback.follow && playing, seek: playback.seek } : undefined}
    />
  );
}

/** Only whether it plays: a boolean snapshot does not re-render this on every position update. */
function useSyncPlaying(playback: MeetingPlayback): boolean {
  const { transport } = playback;
  return useSyncExternalStore(transport.subscribe, () => transport.getSnapshot().playing);
}
