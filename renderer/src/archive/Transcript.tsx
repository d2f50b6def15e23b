import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, memo, useEffect, useMemo, useRef, type MouseEvent } from 'react';
import type { Segment, Speaker } from '../../../main/api';
import type { PlayingWord } from '../playback/position';
import { formatClock } from './format';
import { speakerClass, speakerColour, speakerName } from './speakers';
import { rowAt, transcriptRows, type TranscriptRow } from './turns';

/**
 * The transcript, virtualized. @tanstack/react-virtual (headless, ~5 KB, actively maintained, handles
 * rows of varying height by measuring them) keeps only the rows in view plus a few either side in the
 * DOM, so a 10,000-segment meeting renders and scrolls like a short one; scrolling to a moment is
 * scrollToIndex on the row that holds it.
 *
 * With `playback` (the meeting has audio), a click on a word plays from that word, each turn's time is
 * a "play from here" button for the keyboard, the playing word carries aria-current="time", and with
 * `follow` on the transcript scrolls to keep the playing row in view.
 */
export interface TranscriptPlayback {
  word: PlayingWord | null;
  /** Scroll along with the playing word (only while playing). */
  follow: boolean;
  seek(ms: number): void;
}

export function Transcript({
  segments,
  speakers,
  threshold,
  atMs,
  playback,
}: {
  segments: Segment[];
  speakers: Speaker[];
  threshold: number;
  atMs: number | null;
  playback?: TranscriptPlayback | undefined;
}) {
  const rows = useMemo(() => transcriptRows(segments), [segments]);
  const byId = useMemo(() => new Map(speakers.map((speaker) => [speaker.id, speaker])), [speakers]);
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design; nothing here is memoized by the React Compiler (not used).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.turnStart ? 76 : 36),
    getItemKey: (index) => rows[index]?.segment.id ?? index,
    overscan: 3,
  });
  const target = atMs === null || rows.length === 0 ? null : rowAt(rows, atMs);

  // Jump once per requested moment, not again when the meeting reloads after an edit.
  const jumped = useRef<number | null>(null);
  useEffect(() => {
    if (target === null || jumped.current === atMs) return;
    jumped.current = atMs;
    // Bring the transcript box itself on screen (the page scrolls too), then the row within it.
    scroller.current?.scrollIntoView?.({ block: 'start' });
    virtualizer.scrollToIndex(target, { align: 'center' });
  }, [target, atMs, virtualizer]);

  // Follow along: bring the playing row into view when it changes, unless it is already fully visible.
  const playingIndex = playback?.word?.index ?? null;
  const follow = playback?.follow ?? false;
  useEffect(() => {
    if (!follow || playingIndex === null) return;
    const item = virtualizer.getVirtualItems().find((i) => i.index === playingIndex);
    const top = virtualizer.scrollOffset ?? 0;
    const height = scroller.current?.clientHeight ?? 0;
    if (!item || item.start < top || item.end > top + height) {
      virtualizer.scrollToIndex(playingIndex, { align: 'center' });
    }
  }, [follow, playingIndex, virtualizer]);

  const seek = playback?.seek;
  // One listener for every word: thousands of rows need no handler each.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (!seek || !(event.target instanceof Element)) return;
    // Selecting text to copy it is not a request to play.
    if (window.getSelection?.()?.isCollapsed === false) return;
    const at = event.target.closest('[data-start-ms]')?.getAttribute('data-start-ms');
    if (at) seek(Number(at));
  };

  if (rows.length === 0) return <p className="muted">This meeting has no transcript.</p>;

  const playing = playback?.word ?? null;
  return (
    <div
      ref={scroller}
      className={`transcript${seek ? ' transcript-playable' : ''}`}
      tabIndex={0}
      role="region"
      aria-label="Transcript"
      onClick={onClick}
    >
      <div className="transcript-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="transcript-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Row
                row={row}
                speaker={row.segment.speakerId === null ? undefined : byId.get(row.segment.speakerId)}
                threshold={threshold}
                target={item.index === target}
                playable={seek !== undefined}
                playingOrd={playing && playing.segmentId === row.segment.id ? playing.ord : null}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Memoized: while playing, only the rows whose playing word changes render again. */
const Row = memo(function Row({
  row,
  speaker,
  threshold,
  target,
  playable,
  playingOrd,
}: {
  row: TranscriptRow;
  speaker: Speaker | undefined;
  threshold: number;
  target: boolean;
  playable: boolean;
  /** The playing word's ord in this segment (-1: the whole segment), null when none is. */
  playingOrd: number | null;
}) {
  const { segment } = row;
  const colour = speakerColour(speaker);
  return (
    <div
      className={`segment${row.turnStart ? ' turn-start' : ''}${target ? ' segment-target' : ''}`}
      data-testid="segment"
      data-segment-id={segment.id}
      aria-current={target ? 'true' : undefined}
    >
      {row.turnStart && (
        <div className="turn-head">
          <span
            className={`speaker-name ${speakerClass(segment.speakerId)}`}
            style={colour ? { color: colour } : undefined}
            data-testid="turn-speaker"
          >
            {speakerName(speaker)}
          </span>
          {playable ? (
            <button
              type="button"
              className="timestamp play-from"
              data-start-ms={segment.startMs}
              aria-label={`Play from ${formatClock(segment.startMs)}`}
            >
              [{formatClock(segment.startMs)}]
            </button>
          ) : (
            <span className="timestamp">[{formatClock(segment.startMs)}]</span>
          )}
        </div>
      )}
      <p className="segment-text">
        {!row.turnStart && (
          <span className="timestamp timestamp-minor" aria-hidden="true">
            {formatClock(segment.startMs)}
          </span>
        )}
        <SegmentText segment={segment} threshold={threshold} playingOrd={playingOrd} />
        {segment.emotion && segment.emotion !== 'neutral' && (
          <span className="badge badge-emotion">{segment.emotion}</span>
        )}
      </p>
    </div>
  );
});

/**
 * Words when the engine gave them (so low-confidence ones can be marked), else the plain text. Each
 * word carries its start time for click-to-seek (Transcript's single click listener reads it).
 */
function SegmentText({
  segment,
  threshold,
  playingOrd,
}: {
  segment: Segment;
  threshold: number;
  playingOrd: number | null;
}) {
  if (segment.words.length === 0) {
    return (
      <span
        className="segment-plain"
        data-start-ms={segment.startMs}
        aria-current={playingOrd === -1 ? 'time' : undefined}
      >
        {segment.text}
      </span>
    );
  }
  return (
    <span>
      {segment.words.map((word, index) => {
        const low = word.confidence !== null && word.confidence < threshold;
        return (
          <Fragment key={word.ord}>
            {index > 0 && ' '}
            <span
              className={low ? 'word word-low' : 'word'}
              data-start-ms={word.startMs}
              aria-current={playingOrd === word.ord ? 'time' : undefined}
              title={low ? `Confidence ${Math.round((word.confidence ?? 0) * 100)}%` : undefined}
            >
              {word.text}
            </span>
          </Fragment>
        );
      })}
    </span>
  );
}
