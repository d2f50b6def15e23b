import { useEffect, useState } from 'react';
import type { ApiError, Meeting, TranscribeJob } from '../../../main/api';
import { useApi } from '../backend/context';
import { describeError } from '../backend/remote';
import { formatLength } from './format';

type MeetingStatus = Meeting['status'];

/** Statuses in which a session still owns the meeting: nothing to transcribe yet. */
const OPEN: readonly MeetingStatus[] = ['recording', 'paused', 'finalizing'];

/**
 * "Transcribe now" for a meeting that has audio but no transcript (record-only, or cut short), and the
 * job's progress once it runs: a bar, the time left, and Cancel (what was transcribed so far stays). A
 * job started elsewhere (another window, the CLI, a resume after a crash) shows up here as well: the
 * component asks for the queue when it mounts and follows the progress events.
 */
export function TranscribeButton({
  meetingId,
  hasAudio,
  hasTranscript,
  status,
}: {
  meetingId: number;
  hasAudio: boolean;
  hasTranscript: boolean;
  status: MeetingStatus;
}) {
  const api = useApi();
  const [latest, setJob] = useState<TranscribeJob | null>(null);
  // Only this meeting's job counts (the component may be reused for another meeting).
  const job = latest?.meetingId === meetingId ? latest : null;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const off = api.on('transcribe.progress', (p) => {
      if (p.meetingId === meetingId) setJob(p);
    });
    void api.invoke('transcribe.status', {}, { timeoutMs: 10_000 }).then((r) => {
      if (!live || !r.ok) return;
      const mine = r.value.jobs.find((j) => j.meetingId === meetingId);
      // An event may have arrived meanwhile: it is newer than this answer.
      if (mine) setJob((current) => (current?.meetingId === meetingId ? current : mine));
    });
    return () => {
      live = false;
      off();
    };
  }, [api, meetingId]);

  const start = async () => {
    setBusy(true);
    setError(null);
    const r = await api.invoke('transcribe.start', { meetingId }, { timeoutMs: 30_000 });
    setBusy(false);
    if (!r.ok) setError(r.error);
    else setJob((current) => (current?.meetingId === meetingId && isActive(current) ? current : r.value));
  };
  const cancel = async () => {
    setBusy(true);
    setError(null);
    const r = await api.invoke('transcribe.cancel', { meetingId }, { timeoutMs: 30_000 });
    setBusy(false);
    if (!r.ok) setError(r.error);
    else setJob(r.value);
  };

  const active = job !== null && isActive(job);
  // A cancelled or failed job, or a meeting cut short by a crash, has audio left to transcribe.
  const unfinished = job?.state === 'cancelled' || job?.state === 'failed' || status === 'interrupted';
  // After a finished job an empty transcript means silence, not work left: no second offer.
  const offer =
    hasAudio && !OPEN.includes(status) && !active && job?.state !== 'done' && (!hasTranscript || unfinished);
  if (!active && !offer && !error && job?.state !== 'done') return null;

  return (
    <div className="transcribe" aria-live="polite">
      {active && job && <Progress job={job} />}
      {active && (
        <button type="button" onClick={() => void cancel()} disabled={busy}>
          Cancel transcription
        </button>
      )}
      {offer && (
        <button type="button" onClick={() => void start()} disabled={busy}>
          {unfinished && hasTranscript ? 'Continue transcription' : 'Transcribe now'}
        </button>
      )}
      {!active && job?.state === 'done' && <p className="muted">Transcription finished.</p>}
      {!active && job?.state === 'cancelled' && (
        <p className="muted">Transcription cancelled; what was transcribed so far is kept.</p>
      )}
      {!active && job?.state === 'failed' && (
        <p className="notice notice-error" role="alert">
          {job.message ?? 'The transcription failed.'}
        </p>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          Could not {active ? 'cancel' : 'start'} the transcription. {describeError(error)}
        </p>
      )}
    </div>
  );
}

function isActive(job: TranscribeJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

function Progress({ job }: { job: TranscribeJob }) {
  if (job.state === 'queued') {
    return <p className="muted">Waiting for another transcription to finish…</p>;
  }
  const percent = job.totalMs > 0 ? Math.min(100, Math.floor((100 * job.processedMs) / job.totalMs)) : 0;
  const left = job.etaMs === null ? 'estimating time left' : `about ${formatLength(job.etaMs)} left`;
  return (
    <div className="model-progress">
      <progress max={100} value={percent} aria-label="Transcription progress" />
      <span>
        Transcribing… {percent}% · {left}
      </span>
    </div>
  );
}
