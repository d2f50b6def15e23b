import { memo, useMemo, type KeyboardEvent, type MouseEvent } from 'react';
import type { Segment, Speaker } from '../../../main/api';
import { speakerClass, speakerColour, speakerName } from '../archive/speakers';
import { formatPosition, timelineBlocks } from './position';

const STEP_MS = 5000;
const PAGE_MS = 30_000;

/**
 * The meeting at a glance: who spoke when (one coloured block per turn, in the speaker's colour) and
 * where the playhead is. A slider for assistive tech and the keyboard (arrows ±5 s, Page Up/Down
 * ±30 s, Home/End); a click moves the playhead there.
 */
export function Timeline({
  segments,
  speakers,
  durationMs,
  currentMs,
  onSeek,
}: {
  segments: readonly Segment[];
  speakers: readonly Speaker[];
  durationMs: number;
  currentMs: number;
  onSeek(ms: number): void;
}) {
  const total = Math.max(durationMs, segments.at(-1)?.endMs ?? 0, 1);
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width <= 0) return;
    onSeek(((event.clientX - box.left) / box.width) * total);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowLeft: currentMs - STEP_MS,
      ArrowDown: currentMs - STEP_MS,
      ArrowRight: currentMs + STEP_MS,
      ArrowUp: currentMs + STEP_MS,
      PageDown: currentMs - PAGE_MS,
      PageUp: currentMs + PAGE_MS,
      Home: 0,
      End: total,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    onSeek(Math.max(0, Math.min(total, to)));
  };
  const percent = (ms: number) => `${Math.max(0, Math.min(100, (ms / total) * 100))}%`;
  return (
    <div
      className="timeline"
      role="slider"
      tabIndex={0}
      aria-label="Position in the meeting"
      aria-valuemin={0}
      aria-valuemax={Math.round(total / 1000)}
      aria-valuenow={Math.round(currentMs / 1000)}
      aria-valuetext={`${formatPosition(currentMs)} of ${formatPosition(total)}`}
      onClick={onClick}
      onKeyDown={onKeyDown}
      data-testid="timeline"
    >
      <Turns segments={segments} speakers={speakers} total={total} />
      <span className="timeline-playhead" style={{ left: percent(currentMs) }} aria-hidden="true" />
    </div>
  );
}

/** Separate and memoized: the playhead moves several times a second, the turns do not. */
const Turns = memo(function Turns({
  segments,
  speakers,
  total,
}: {
  segments: readonly Segment[];
  speakers: readonly Speaker[];
  total: number;
}) {
  const turns = useMemo(() => timelineBlocks(segments, total), [segments, total]);
  const byId = useMemo(() => new Map(speakers.map((s) => [s.id, s])), [speakers]);
  return (
    <span className="timeline-turns" aria-hidden="true">
      {turns.map((turn, index) => {
        const speaker = turn.speakerId === null ? undefined : byId.get(turn.speakerId);
        const colour = speakerColour(speaker);
        return (
          <span
            key={index}
            className={`timeline-turn ${speakerClass(turn.speakerId)}`}
            title={`${speakerName(speaker)} ${formatPosition(turn.startMs)}`}
            style={{
              left: `${(turn.startMs / total) * 100}%`,
              width: `${(Math.max(turn.endMs - turn.startMs, 0) / total) * 100}%`,
              ...(colour ? { color: colour } : {}),
            }}
          />
        );
      })}
    </span>
  );
});
