import { useEffect, useState } from 'react';
import { mediaPath, type MediaChannel, type MediaChannelName } from '../../../main/api';
import { useApi } from '../backend/context';
import { LOADING, type Remote } from '../backend/remote';

/**
 * Where a meeting channel's audio plays from: a URL relative to the page, which the app:// protocol
 * (Electron) and the dev bridge both serve with range requests. Same value media.sources returns; use
 * it when the channel is known to exist (e.g. from a segment's channel).
 */
export function mediaUrlFor(meetingId: number, channel: MediaChannelName): string {
  return mediaPath(meetingId, channel);
}

/**
 * The meeting's playable channels. `enabled` false (the meeting kept no audio: meeting.audioDir is
 * null) answers an empty list without asking; NOT_FOUND from the backend also means "no audio" and is
 * an empty list, not an error. Re-asked when `generation` changes (pass the meeting's status: a recording
 * that finishes is compacted from WAV to MP3).
 */
export function useMediaSources(
  meetingId: number,
  enabled: boolean,
  generation: string | number = 0,
): Remote<MediaChannel[]> {
  const api = useApi();
  const key = `${meetingId}|${generation}`;
  // Answers are kept with the question they answer: a stale one reads as loading, with no reset effect.
  const [answer, setAnswer] = useState<{ key: string; value: Remote<MediaChannel[]> } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    void api.invoke('media.sources', { meetingId }, { timeoutMs: 15_000 }).then((result) => {
      if (!current) return;
      let value: Remote<MediaChannel[]>;
      if (result.ok) value = { state: 'ok', value: result.value.channels };
      else if (result.error.code === 'NOT_FOUND') value = NO_AUDIO;
      else value = { state: 'error', error: result.error };
      setAnswer({ key, value });
    });
    return () => {
      current = false;
    };
  }, [api, meetingId, enabled, key]);
  if (!enabled) return NO_AUDIO;
  return answer?.key === key ? answer.value : LOADING;
}

const NO_AUDIO: Remote<MediaChannel[]> = { state: 'ok', value: [] };
