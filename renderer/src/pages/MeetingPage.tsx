import { useCallback, useState } from 'react';
import type { ApiError } from '../../../main/api';
import { Dialog } from '../archive/Dialog';
import { EditableTitle } from '../archive/EditableTitle';
import { ExportDialog } from '../archive/ExportDialog';
import { formatDate, formatLength, plural } from '../archive/format';
import { StatusBadge } from '../archive/MeetingList';
import { Notes } from '../archive/Notes';
import { Participants } from '../archive/Participants';
import { TranscribeButton } from '../archive/TranscribeButton';
import { useMeetingDetail } from '../archive/useMeetingDetail';
import { useApi } from '../backend/context';
import { describeError } from '../backend/remote';
import { useSettings } from '../backend/settings';
import { PlayableTranscript } from '../playback/PlayableTranscript';
import { Player } from '../playback/Player';
import { useMeetingPlayback } from '../playback/usePlayback';
import { reviewHref } from '../review/scope';
import { routeHref } from '../routes';
import { EmotionTimeline } from '../voices/EmotionTimeline';
import { SpeakerTools } from '../voices/SpeakerTools';

/** Used until settings.get answers; the same as the settings default. */
const DEFAULT_THRESHOLD = 0.9;

/** One meeting: facts, participants, notes, the transcript, and the edit/export/delete actions. */
export function MeetingPage({
  meetingId,
  atMs,
  focusOnMount,
}: {
  meetingId: number;
  atMs: number | null;
  focusOnMount: boolean;
}) {
  const api = useApi();
  const { settings } = useSettings();
  const { detail, deleted, update } = useMeetingDetail(meetingId);
  const [exporting, setExporting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  const threshold = settings.state === 'ok' ? settings.value.confidenceThreshold : DEFAULT_THRESHOLD;
  const loaded = detail.state === 'ok' ? detail.value : null;
  const playback = useMeetingPlayback({
    meetingId,
    hasAudio: Boolean(loaded?.meeting.audioDir),
    startAtMs: atMs,
    status: loaded?.meeting.status,
  });

  const rename = useCallback(
    async (title: string) => {
      const result = await api.invoke('meetings.rename', { meetingId, title }, { timeoutMs: 10_000 });
      if (!result.ok) return result.error;
      update((d) => ({ ...d, meeting: result.value }));
      return null;
    },
    [api, meetingId, update],
  );
  const renameSpeaker = useCallback(
    async (speakerId: number, displayName: string | null) => {
      const result = await api.invoke('speakers.rename', { speakerId, displayName }, { timeoutMs: 10_000 });
      if (!result.ok) return result.error;
      update((d) => ({ ...d, speakers: d.speakers.map((s) => (s.id === speakerId ? result.value : s)) }));
      return null;
    },
    [api, update],
  );
  const addNote = useCallback(
    async (text: string) => {
      const result = await api.invoke(
        'notes.add',
        { meetingId, atMs: null, kind: 'note', text },
        { timeoutMs: 10_000 },
      );
      if (!result.ok) return result.error;
      update((d) => ({ ...d, notes: [...d.notes, result.value] }));
      return null;
    },
    [api, meetingId, update],
  );
  const removeNote = useCallback(
    async (noteId: number) => {
      const result = await api.invoke('notes.delete', { noteId }, { timeoutMs: 10_000 });
      if (!result.ok) return result.error;
      update((d) => ({ ...d, notes: d.notes.filter((n) => n.id !== noteId) }));
      return null;
    },
    [api, update],
  );
  const deleteMeeting = async () => {
    const result = await api.invoke('meetings.delete', { meetingId }, { timeoutMs: 30_000 });
    if (!result.ok) {
      setDeleteError(result.error);
      return;
    }
    setConfirmDelete(false);
    window.location.hash = routeHref('archive');
  };

  if (deleted) {
    return (
      <>
        <h1 className="page-title">Meeting deleted</h1>
        <p>
          This meeting was deleted. <a href={routeHref('archive')}>Back to the archive</a>
        </p>
      </>
    );
  }
  if (detail.state === 'loading') {
    return (
      <>
        <h1 className="page-title">Meeting</h1>
        <p className="muted">Loading the meeting…</p>
      </>
    );
  }
  if (detail.state === 'error') {
    return (
      <>
        <h1 className="page-title">Meeting</h1>
        <p className="notice notice-error" role="alert">
          Could not open this meeting. {describeError(detail.error)}
        </p>
        <p>
          <a href={routeHref('archive')}>Back to the archive</a>
        </p>
      </>
    );
  }

  const { meeting, speakers, segments, notes } = detail.value;
  return (
    <article className="meeting">
      <p className="breadcrumb">
        <a href={routeHref('archive')}>Archive</a>
      </p>
      <EditableTitle title={meeting.title} focusOnMount={focusOnMount} save={rename} />
      <dl className="facts meeting-facts">
        <dt>Date</dt>
        <dd>{formatDate(meeting.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatLength(meeting.durationMs)}</dd>
        <dt>Transcript</dt>
        <dd>
          {plural(segments.length, 'segment')}
          {meeting.status !== 'done' && (
            <>
              {' '}
              <StatusBadge status={meeting.status} />
            </>
          )}
        </dd>
      </dl>
      <div className="meeting-actions">
        <button type="button" onClick={() => setExporting(true)}>
          Export…
        </button>
        {segments.length > 0 && (
          <a className="button-link" href={reviewHref(meetingId)}>
            Review this meeting
          </a>
        )}
        <button
          type="button"
          className="button-danger"
          onClick={() => {
            setDeleteError(null);
            setConfirmDelete(true);
          }}
        >
          Delete meeting…
        </button>
      </div>
      <TranscribeButton
        meetingId={meetingId}
        hasAudio={Boolean(meeting.audioDir)}
        hasTranscript={segments.length > 0}
        status={meeting.status}
      />

      <div className="meeting-columns">
        <section className="card" aria-labelledby="participants-heading">
          <h2 id="participants-heading">Participants</h2>
          <Participants speakers={speakers} rename={renameSpeaker} />
        </section>
        <section className="card" aria-labelledby="notes-heading">
          <h2 id="notes-heading">Notes</h2>
          <Notes meetingId={meetingId} notes={notes} add={addNote} remove={removeNote} />
        </section>
      </div>
      <SpeakerTools meetingId={meetingId} speakers={speakers} segments={segments} />
      <EmotionTimeline meetingId={meetingId} speakers={speakers} />

      <section aria-labelledby="transcript-heading">
        <h2 id="transcript-heading" className="section-title">
          Transcript
        </h2>
        <Player playback={playback} segments={segments} speakers={speakers} />
        <PlayableTranscript
          playback={playback}
          segments={segments}
          speakers={speakers}
          threshold={threshold}
          atMs={atMs}
        />
      </section>

      <ExportDialog meetingId={meetingId} open={exporting} onClose={() => setExporting(false)} />
      <Dialog
        open={confirmDelete}
        title="Delete this meeting?"
        titleId="delete-title"
        onClose={() => setConfirmDelete(false)}
      >
        <p>
          “{meeting.title}” and its transcript, speakers and notes will be removed from this computer. This
          cannot be undone.
        </p>
        {deleteError && (
          <p className="field-error" role="alert">
            {describeError(deleteError)}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button-quiet" onClick={() => setConfirmDelete(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className="button-danger" onClick={() => void deleteMeeting()}>
            Delete meeting
          </button>
        </div>
      </Dialog>
    </article>
  );
}
