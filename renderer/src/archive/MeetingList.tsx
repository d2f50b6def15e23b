import { useCallback, useEffect, useState } from 'react';
import type { MeetingSummary } from '../../../main/api';
import { useApi } from '../backend/context';
import { describeError, LOADING, type Remote } from '../backend/remote';
import { meetingHref } from '../routes';
import { formatDate, formatLength, plural } from './format';

const PAGE = 50;

interface Listing {
  meetings: MeetingSummary[];
  total: number;
}

/** Newest meetings first (the store's order), a page at a time; re-read when the archive changes. */
export function MeetingList({ refresh }: { refresh: number }) {
  const api = useApi();
  const [listing, setListing] = useState<Remote<Listing>>(LOADING);
  const [shown, setShown] = useState(PAGE);

  useEffect(() => {
    let current = true;
    void api.invoke('meetings.list', { limit: shown, offset: 0 }, { timeoutMs: 10_000 }).then((result) => {
      if (!current) return;
      setListing(result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [api, shown, refresh]);

  const more = useCallback(() => setShown((n) => Math.min(n + PAGE, 500)), []);

  if (listing.state === 'loading') return <p className="muted">Loading meetings…</p>;
  if (listing.state === 'error') {
    return (
      <p className="notice notice-error" role="alert">
        Could not load the meetings. {describeError(listing.error)}
      </p>
    );
  }
  const { meetings, total } = listing.value;
  if (total === 0) {
    return (
      <p className="muted">
        No meetings yet. Record one on the Live page, or import transcripts you already have.
      </p>
    );
  }
  return (
    <section aria-labelledby="meetings-heading">
      <h2 id="meetings-heading" className="section-title">
        Meetings <span className="muted count">{total.toLocaleString()}</span>
      </h2>
      <ul className="meeting-list">
        {meetings.map((meeting) => (
          <li key={meeting.id} className="meeting-item">
            <a href={meetingHref(meeting.id)} className="meeting-link">
              {meeting.title}
            </a>
            {meeting.status !== 'done' && <StatusBadge status={meeting.status} />}
            <p className="meeting-meta muted">
              <span>{formatDate(meeting.startedAt)}</span>
              <span>{formatLength(meeting.durationMs)}</span>
              <span>{plural(meeting.speakerCount, 'speaker')}</span>
              <span>{plural(meeting.segmentCount, 'segment')}</span>
            </p>
          </li>
        ))}
      </ul>
      {meetings.length < total && shown < 500 && (
        <button type="button" className="button-quiet" onClick={more}>
          Show more meetings
        </button>
      )}
    </section>
  );
}

const STATUS_LABELS: Record<MeetingSummary['status'], string> = {
  recording: 'Recording',
  paused: 'Paused',
  finalizing: 'Finishing',
  done: 'Done',
  interrupted: 'Interrupted',
  error: 'Failed',
};

export function StatusBadge({ status }: { status: MeetingSummary['status'] }) {
  return <span className={`badge badge-status badge-${status}`}>{STATUS_LABELS[status]}</span>;
}
