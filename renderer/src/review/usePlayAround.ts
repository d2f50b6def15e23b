import { useCallback, useEffect, useRef, useState } from 'react';
import { createSpanPlayer, type Span, type SpanPlayer } from '../playback/span';

/**
 * Space on the review page: plays the audio around a span. The queue can mix meetings, so the player
 * follows the meeting of the span asked for (the playback helper's span player, one per meeting, the
 * previous one disposed). Returns the player's last error, for the page to show.
 */
export function usePlayAround(): { play: (meetingId: number, span: Span) => void; error: string | null } {
  const current = useRef<{ meetingId: number; player: SpanPlayer; off: () => void } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const release = () => {
    current.current?.off();
    current.current?.player.dispose();
    current.current = null;
  };
  useEffect(() => release, []);

  const play = useCallback((meetingId: number, span: Span) => {
    let entry = current.current;
    if (entry?.meetingId !== meetingId) {
      release();
      const player = createSpanPlayer(meetingId);
      const off = player.subscribe(() => setError(player.state.error));
      entry = current.current = { meetingId, player, off };
    }
    setError(null);
    entry.player.toggle(span);
  }, []);

  return { play, error };
}
