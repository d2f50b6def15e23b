import type { MediaChannelName, Segment, Speaker } from '../../../main/api';
import { describeError } from '../backend/remote';
import { formatPosition } from './position';
import { Timeline } from './Timeline';
import { SKIP_MS, useSpaceToPlay, useTransportState, type MeetingPlayback } from './usePlayback';

const CHANNEL_NAMES: Record<MediaChannelName, string> = {
  mic: 'Microphone (you)',
  system: 'System audio (others)',
};

/**
 * The meeting's transport: both channels play together as one recording (a channel can be muted),
 * ±5 s, Space to play or pause when not typing, a timeline of speaker turns, and "follow along"
 * (the transcript scrolls with the playing word). The <audio> elements are here but have no controls
 * of their own: one transport drives them (transport.ts).
 */
export function Player({
  playback,
  segments,
  speakers,
}: {
  playback: MeetingPlayback;
  segments: readonly Segment[];
  speakers: readonly Speaker[];
}) {
  const { sources } = playback;
  const state = useTransportState(playback.transport);
  const channels = sources.state === 'ok' ? sources.value : [];
  useSpaceToPlay(playback.toggle, channels.length > 0);

  if (sources.state === 'loading') return <p className="muted player-note">Looking for the audio…</p>;
  if (sources.state === 'error') {
    return (
      <p className="notice notice-error" role="alert">
        Could not open the audio. {describeError(sources.error)}
      </p>
    );
  }
  if (channels.length === 0) {
    return <p className="muted player-note">No audio was kept for this meeting, so it cannot be played.</p>;
  }

  return (
    <section className="player card" aria-label="Playback">
      {channels.map((channel) => (
        <audio
          key={channel.channel}
          ref={playback.attach[channel.channel]}
          // The format in the query: when compaction swaps the WAV for the MP3 the element reloads.
          src={`${channel.url}?v=${channel.format}`}
          preload="metadata"
          data-channel={channel.channel}
          data-testid={`audio-${channel.channel}`}
        />
      ))}
      <div className="player-controls">
        <button
          type="button"
          className="button-quiet"
          onClick={() => playback.skip(-SKIP_MS)}
          aria-label="Back 5 seconds"
        >
          −5 s
        </button>
        <button
          type="button"
          className="player-play"
          onClick={playback.toggle}
          aria-label={state.playing ? 'Pause' : 'Play'}
          title="Play or pause (Space)"
        >
          {state.playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          className="button-quiet"
          onClick={() => playback.skip(SKIP_MS)}
          aria-label="Forward 5 seconds"
        >
          +5 s
        </button>
        <span className="player-time" data-testid="player-time">
          {formatPosition(state.currentMs)} / {formatPosition(state.durationMs)}
        </span>
        <span className="player-options">
          {channels.length > 1 &&
            channels.map((channel) => (
              <label key={channel.channel} className="player-option">
                <input
                  type="checkbox"
                  checked={!playback.muted[channel.channel]}
                  onChange={(event) => playback.setMuted(channel.channel, !event.target.checked)}
                />{' '}
                {CHANNEL_NAMES[channel.channel]}
              </label>
            ))}
          <label className="player-option">
            <input
              type="checkbox"
              checked={playback.follow}
              onChange={(event) => playback.setFollow(event.target.checked)}
            />{' '}
            Follow along
          </label>
        </span>
      </div>
      <Timeline
        segments={segments}
        speakers={speakers}
        durationMs={state.durationMs}
        currentMs={state.currentMs}
        onSeek={playback.seek}
      />
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
    </section>
  );
}
