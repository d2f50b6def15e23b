import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useEffect, useMemo, useRef } from 'react';
import type { Segment, Speaker } from '../../../main/api';
import { formatClock } from './format';
import { speakerClass, speakerColour, speakerName } from './speakers';
import { rowAt, transcriptRows, type TranscriptRow } from './turns';

/**
 * The transcript, virtualized. @tanstack/react-virtual (headless, ~5 KB, actively maintained, handles
 * rows of varying height by measuring them) keeps only the rows in view plus a few either side in the
 * DOM, so a 10,000-segment meeting renders and scrolls like a short one; scrolling to a moment is
 * scrollToIndex on the row that holds it.
 */
export function Transcript({
  segments,
  speakers,
  threshold,
  atMs,
}: {
  segments: Segment[];
  speakers: Speaker[];
  threshold: number;
  atMs: number | null;
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
    overscan: 6,
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

  if (rows.length === 0) return <p className="muted">This meeting has no transcript.</p>;

  return (
    <div ref={scroller} className="transcript" tabIndex={0} role="region" aria-label="Transcript">
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
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Row({
  row,
  speaker,
  threshold,
  target,
}: {
  row: TranscriptRow;
  speaker: Speaker | undefined;
  threshold: number;
  target: boolean;
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
          <span className="timestamp">[{formatClock(segment.startMs)}]</span>
        </div>
      )}
      <p className="segment-text">
        {!row.turnStart && (
          <span className="timestamp timestamp-minor" aria-hidden="true">
            {formatClock(segment.startMs)}
          </span>
        )}
        <SegmentText segment={segment} threshold={threshold} />
        {segment.emotion && segment.emotion !== 'neutral' && (
          <span className="badge badge-emotion">{segment.emotion}</span>
        )}
      </p>
    </div>
  );
}

/** Words when the engine gave them (so low-confidence ones can be marked), else the plain text. */
function SegmentText({ segment, threshold }: { segment: Segment; threshold: number }) {
  if (segment.words.length === 0) return <span>{segment.text}</span>;
  return (
    <span>
      {segment.words.map((word, index) => {
        const low = word.confidence !== null && word.confidence < threshold;
        return (
          <Fragment key={word.ord}>
            {index > 0 && ' '}
            {low ? (
              <span className="word-low" title={`Confidence ${Math.round((word.confidence ?? 0) * 100)}%`}>
                {word.text}
              </span>
            ) : (
              word.text
            )}
          </Fragment>
        );
      })}
    </span>
  );
}
