import { Fragment, memo } from 'react';
import { formatClock } from '../archive/format';
import { confidenceTitle, emotionBadge, flagWords, type CaptionLine, type SpeakerView } from './captions';

/**
 * One caption line. A committed line is plain text a screen reader reads as part of the log; the
 * provisional tail is hidden from assistive technology (it changes several times a second and would be
 * read over and over) and styled lighter and italic, with a trailing ellipsis.
 * Memoized on the line object (and plain strings): the reducer keeps a line's identity until it really changes, so a partial
 * re-renders only its own row.
 */
export const CaptionRow = memo(function CaptionRow({
  line,
  name,
  colourClass,
  threshold,
}: {
  line: CaptionLine;
  name: string;
  colourClass: SpeakerView['colourClass'];
  threshold: number;
}) {
  const badge = emotionBadge(line);
  return (
    <div
      className={line.provisional ? 'caption caption-provisional' : 'caption caption-final'}
      data-testid="caption"
      data-provisional={line.provisional ? 'true' : 'false'}
      aria-hidden={line.provisional ? 'true' : undefined}
      title={line.provisional ? 'Provisional: may still change' : undefined}
    >
      <div className="caption-head">
        <span className={`speaker-name ${colourClass}`} data-testid="caption-speaker">
          {name}
        </span>
        <span className="timestamp" aria-hidden="true">
          {formatClock(line.startMs)}
        </span>
        {badge && (
          <span className="badge badge-emotion" data-testid="caption-emotion">
            {badge}
          </span>
        )}
      </div>
      <p className="caption-text">
        <CaptionWords line={line} threshold={threshold} />
      </p>
    </div>
  );
});

function CaptionWords({ line, threshold }: { line: CaptionLine; threshold: number }) {
  if (line.words.length === 0) return <>{line.text}</>;
  return (
    <>
      {flagWords(line, threshold).map((word, index) => (
        <Fragment key={index}>
          {index > 0 && ' '}
          {word.low && word.confidence !== null ? (
            <span
              className="word-low"
              title={confidenceTitle(word.confidence)}
              data-confidence={word.confidence.toFixed(2)}
            >
              {word.text}
            </span>
          ) : (
            word.text
          )}
        </Fragment>
      ))}
    </>
  );
}
