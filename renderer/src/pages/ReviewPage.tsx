import { Page } from '../components/Page';
import { describeError } from '../backend/remote';
import { ReviewQueue } from '../review/ReviewQueue';
import { reviewHref, useReviewScope } from '../review/scope';
import { usePlayAround } from '../review/usePlayAround';
import { useReviewQueue } from '../review/useReviewQueue';

/**
 * The review queue: the whole archive (#/review) or one meeting (#/review?meeting=12, opened from the
 * meeting view), where the user can widen the scope to every meeting and back.
 */
export function ReviewPage({ focusOnMount }: { focusOnMount: boolean }) {
  const meetingId = useReviewScope();
  const { queue, reload, showMore } = useReviewQueue(meetingId);
  const player = usePlayAround();
  const scopeTitle =
    meetingId !== null && queue.state === 'ok' ? queue.value.items[0]?.meetingTitle : undefined;

  return (
    <Page title="Review" focusOnMount={focusOnMount}>
      <p className="review-lead">
        The words most likely to be wrong, ranked: listen, then accept or correct them with the keyboard.
      </p>
      {meetingId !== null && (
        <nav className="review-scope" aria-label="Review scope">
          <span aria-current="page">This meeting{scopeTitle ? `: ${scopeTitle}` : ''}</span>
          {' · '}
          <a href={reviewHref(null)}>All meetings</a>
          {' · '}
          <a href={`#/meeting/${meetingId}`}>Open the meeting</a>
        </nav>
      )}
      {queue.state === 'loading' && <p role="status">Finding words to review…</p>}
      {queue.state === 'error' && (
        <p role="alert" className="review-status-error">
          The review queue could not be read: {describeError(queue.error)}{' '}
          <button type="button" onClick={reload}>
            Try again
          </button>
        </p>
      )}
      {queue.state === 'ok' && (
        <ReviewQueue
          key={meetingId ?? 'all'}
          queue={queue.value}
          scoped={meetingId !== null}
          reload={reload}
          showMore={showMore}
          onPlay={player.play}
          playError={player.error}
        />
      )}
    </Page>
  );
}
