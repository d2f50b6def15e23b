import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { captionRows, rowKeyOf, speakerOf, type CaptionsState } from './captions';
import { CaptionRow } from './CaptionRow';

/** How close to the bottom (px) still counts as "at the live edge". */
const LIVE_EDGE_PX = 32;

/**
 * The captions, virtualized like the archive's transcript (renderer/src/archive/Transcript.tsx): only
 * the rows in view are in the DOM, so a 10,000-segment meeting costs what a short one does.
 *
 * Following: the list sticks to the newest line until the user scrolls up (wheel, keys, scrollbar);
 * then it stays where they are reading and "Jump to live" brings it back. Only a move *up* pauses
 * following, so content growing under a programmatic scroll never does.
 *
 * Screen readers: the list is a log that announces new committed lines while it follows (aria-live
 * off while the user reads back, so rows the virtualizer mounts on scroll are not read out); the
 * provisional tails are aria-hidden (CaptionRow). Committed and provisional rows get different keys, so
 * a final is a new node: an addition the log announces once.
 */
export function CaptionList({
  captions,
  localName,
  threshold,
}: {
  captions: CaptionsState;
  localName: string;
  threshold: number;
}) {
  const rows = captionRows(captions);
  // The virtualizer walks every row's key (O(n)) whenever getItemKey changes identity: it must stay the
  // same function while the layout does (a partial growing, a scroll frame).
  const getItemKey = rowKeyOf(captions);
  const scroller = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const lastTop = useRef(0);

  // The virtualizer is mutable by design; nothing here is memoized by the React Compiler (not used).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 56,
    getItemKey,
    overscan: 6,
  });
  const totalSize = virtualizer.getTotalSize();

  const toBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    lastTop.current = el.scrollTop;
  }, []);

  // Before paint, so the newest line never flashes below the fold.
  useLayoutEffect(() => {
    if (following) toBottom();
  }, [following, toBottom, captions.version, totalSize]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atEdge = el.scrollHeight - el.scrollTop - el.clientHeight <= LIVE_EDGE_PX;
    if (atEdge) setFollowing(true);
    else if (el.scrollTop < lastTop.current) setFollowing(false);
    lastTop.current = el.scrollTop;
  };

  const jumpToLive = () => {
    setFollowing(true);
    toBottom();
    scroller.current?.focus();
  };

  return (
    <div className="captions-box">
      <div
        ref={scroller}
        className="captions"
        tabIndex={0}
        role="log"
        aria-label="Live captions"
        aria-live={following ? 'polite' : 'off'}
        aria-relevant="additions"
        data-following={following ? 'true' : 'false'}
        onScroll={onScroll}
      >
        {rows.length === 0 ? (
          <p className="muted captions-empty">Captions appear here as people speak.</p>
        ) : (
          <div className="captions-inner" style={{ height: totalSize }}>
            {virtualizer.getVirtualItems().map((item) => {
              const line = rows.at(item.index);
              const speaker = speakerOf(captions, line, localName);
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="captions-row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <CaptionRow
                    line={line}
                    name={speaker.name}
                    colourClass={speaker.colourClass}
                    threshold={threshold}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
      {!following && (
        <button type="button" className="jump-to-live" onClick={jumpToLive}>
          Jump to live ↓
        </button>
      )}
    </div>
  );
}
