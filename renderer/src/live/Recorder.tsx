import { useState } from 'react';
import { formatClock } from '../archive/format';
import type { RecorderSnapshot, RecordingController } from '../capture/controller';
import { meetingHref } from '../routes';
import type { CaptionsState } from './captions';
import { ASR_MODE_LABELS, lagText, METER_FLOOR_DB, meterValue } from './status';

const PHASE_LABELS = {
  idle: 'Not recording',
  starting: 'Starting…',
  recording: 'Recording',
  paused: 'Paused',
  stopping: 'Saving…',
  done: 'Saved',
  error: 'Not recording',
} as const;

/** Title, mode, start/pause/resume/stop, the session's state, levels, lag and warnings. */
export function Recorder({
  state,
  controller,
  status,
  lag,
}: {
  state: RecorderSnapshot;
  controller: RecordingController;
  /** The pipeline's state for this meeting (null before it said anything, or for another meeting). */
  status: CaptionsState['status'];
  lag: CaptionsState['lag'] | null;
}) {
  const { phase, elapsedMs, warnings, error, meetingId, microphones, deviceId } = state;
  const [title, setTitle] = useState('');
  const [recordOnly, setRecordOnly] = useState(false);
  // Text, not a number: an empty field means "not known" and the user may be mid-typing.
  const [remote, setRemote] = useState('');
  const remoteSpeakers = /^\s*\d+\s*$/.test(remote) ? Math.min(20, Math.max(1, Number(remote))) : undefined;
  const active = phase === 'recording' || phase === 'paused';
  const busy = phase === 'starting' || phase === 'stopping';
  const locked = active || busy;
  const lagNotice = lag ? lagText(lag) : null;

  return (
    <section className="card live-recorder" aria-labelledby="recorder-title">
      <h2 id="recorder-title">Record a meeting</h2>
      <div className="live-fields">
        <div className="field">
          <label htmlFor="live-title">Meeting title</label>
          <input
            id="live-title"
            type="text"
            maxLength={200}
            placeholder="Untitled meeting"
            value={title}
            disabled={locked}
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="recorder-microphone">Microphone</label>
          <select
            id="recorder-microphone"
            value={deviceId}
            disabled={locked}
            onChange={(e) => controller.setDeviceId(e.target.value)}
          >
            <option value="">System default</option>
            {microphones.map((m) => (
              <option key={m.deviceId} value={m.deviceId}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="live-remote-speakers">People on the far end (if known)</label>
          <input
            id="live-remote-speakers"
            type="number"
            inputMode="numeric"
            min={1}
            max={20}
            placeholder="Any"
            value={remote}
            disabled={locked || recordOnly}
            aria-describedby="live-remote-speakers-hint"
            onChange={(e) => setRemote(e.target.value)}
          />
          <span id="live-remote-speakers-hint" className="field-hint">
            Speakers are sorted out again when the meeting ends; a known count makes that exact.
          </span>
        </div>
        <label className="live-toggle">
          <input
            type="checkbox"
            checked={recordOnly}
            disabled={locked}
            onChange={(e) => setRecordOnly(e.target.checked)}
          />{' '}
          Record only (transcribe later)
        </label>
      </div>
      <div className="meeting-actions" role="group" aria-label="Recording controls">
        {!active && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void controller.start({
                mode: recordOnly ? 'record-only' : 'live',
                title,
                ...(remoteSpeakers === undefined || recordOnly ? {} : { remoteSpeakers }),
              })
            }
          >
            {recordOnly ? 'Record' : 'Start live captions'}
          </button>
        )}
        {phase === 'recording' && (
          <button type="button" onClick={() => void controller.pause()}>
            Pause
          </button>
        )}
        {phase === 'paused' && (
          <button type="button" onClick={() => void controller.resume()}>
            Resume
          </button>
        )}
        {active && (
          <button type="button" className="button-danger" onClick={() => void controller.stop()}>
            Stop
          </button>
        )}
      </div>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="recorder-phase">{PHASE_LABELS[phase]}</dd>
        <dt>Recorded</dt>
        <dd>
          <span role="timer" aria-label="Recorded time" data-testid="recorder-elapsed">
            {formatClock(elapsedMs)}
          </span>
        </dd>
        {status && (
          <>
            <dt>Transcription</dt>
            <dd data-testid="live-asr-mode">{ASR_MODE_LABELS[status.asrMode]}</dd>
          </>
        )}
        <dt>Input level</dt>
        <dd className="live-meters">
          <LevelMeter label="Microphone" levelDb={state.levelDb} />
          {state.systemAudio.status !== 'off' && (
            <LevelMeter label="System audio" levelDb={state.systemLevelDb} />
          )}
        </dd>
      </dl>
      <p role="status" className="live-lag" data-testid="live-lag">
        {lagNotice ?? ''}
      </p>
      {status?.message && (
        <div className="notice" data-reason={status.reason}>
          <p>{status.message}</p>
        </div>
      )}
      {state.systemAudio.message && state.systemAudio.status !== 'on' && active && (
        <p className="muted" data-testid="system-audio-note">
          {state.systemAudio.message}
        </p>
      )}
      {error && (
        <div className="notice notice-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {warnings.length > 0 && (
        <ul className="problems" aria-label="Recording warnings">
          {warnings.map((w) => (
            <li key={w.id} role="alert" className="banner banner-warning" data-kind={w.kind}>
              {w.message}
            </li>
          ))}
        </ul>
      )}
      {phase === 'done' && meetingId !== null && (
        <p>
          Saved. <a href={meetingHref(meetingId)}>Open the recorded meeting</a>
        </p>
      )}
    </section>
  );
}

function LevelMeter({ label, levelDb }: { label: string; levelDb: number | null }) {
  return (
    <span className="live-meter">
      <span className="live-meter-label">{label}</span>
      <meter
        aria-label={`${label} level`}
        min={METER_FLOOR_DB}
        max={0}
        low={-40}
        high={-6}
        optimum={-20}
        value={meterValue(levelDb)}
      />
      <span className="muted live-meter-value">{levelDb === null ? '—' : `${Math.round(levelDb)} dBFS`}</span>
    </span>
  );
}
