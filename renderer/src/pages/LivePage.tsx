import { formatClock } from '../archive/format';
import { useApi } from '../backend/context';
import { useRecording } from '../capture/useRecording';
import { Page } from '../components/Page';
import { meetingHref } from '../routes';

/** The meter's range: -60 dBFS (room noise) to 0 dBFS (full scale). */
const METER_FLOOR_DB = -60;

export function LivePage({ focusOnMount }: { focusOnMount: boolean }) {
  const { state, controller } = useRecording(useApi());
  const { phase, elapsedMs, levelDb, warnings, error, meetingId, microphones, deviceId } = state;
  const active = phase === 'recording' || phase === 'paused';
  const busy = phase === 'starting' || phase === 'stopping';

  return (
    <Page title="Live" focusOnMount={focusOnMount}>
      <section className="card" aria-labelledby="recorder-title">
        <h2 id="recorder-title">Record a meeting</h2>
        <p className="muted">
          Record only: your microphone is saved to disk as you speak, safe against crashes, and can be
          transcribed later.
        </p>
        <p className="muted">Live captions arrive with the live pipeline.</p>
        <div className="field">
          <label htmlFor="recorder-microphone">Microphone</label>
          <select
            id="recorder-microphone"
            value={deviceId}
            disabled={active || busy}
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
        <div className="meeting-actions" role="group" aria-label="Recording controls">
          {!active && (
            <button type="button" disabled={busy} onClick={() => void controller.start()}>
              Record
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
          <dt>Input level</dt>
          <dd>
            <meter
              aria-label="Microphone level"
              min={METER_FLOOR_DB}
              max={0}
              low={-40}
              high={-6}
              optimum={-20}
              value={levelDb === null ? METER_FLOOR_DB : Math.max(METER_FLOOR_DB, levelDb)}
            />{' '}
            <span className="muted">{levelDb === null ? '—' : `${Math.round(levelDb)} dBFS`}</span>
          </dd>
        </dl>
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
    </Page>
  );
}

const PHASE_LABELS = {
  idle: 'Not recording',
  starting: 'Starting…',
  recording: 'Recording',
  paused: 'Paused',
  stopping: 'Saving…',
  done: 'Saved',
  error: 'Not recording',
} as const;
