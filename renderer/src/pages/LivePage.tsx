import { memo, useCallback, useEffect } from 'react';
import type { VerbatimApi } from '../../../main/api';
import { useApi } from '../backend/context';
import { useSettings } from '../backend/settings';
import { useRecording } from '../capture/useRecording';
import { Page } from '../components/Page';
import { CaptionList } from '../live/CaptionList';
import { LatencyPanel } from '../live/LatencyPanel';
import { latestCaptureMs, type CaptionsState } from '../live/captions';
import { Moments } from '../live/Moments';
import { Recorder } from '../live/Recorder';
import { liveCaptionsFor, useCaptionsPart, useLiveCaptions } from '../live/store';
import { LIVE_SETTINGS_FALLBACK } from '../live/status';

const selectStatus = (s: CaptionsState) => s.status;
const selectLag = (s: CaptionsState) => s.lag;
const selectMeeting = (s: CaptionsState) => s.meetingId;

/**
 * The live view: record a meeting, read its captions as they arrive, take notes and mark moments.
 * Recording state comes from the capture controller, captions from the live transcript events; both
 * outlive this page, so leaving it never stops or forgets a meeting.
 *
 * Only the caption list subscribes to every caption change: a partial (several a second) re-renders
 * the list, not the recorder or the notes.
 */
export function LivePage({ focusOnMount }: { focusOnMount: boolean }) {
  const api = useApi();
  const { state, controller } = useRecording(api);
  const store = liveCaptionsFor(api);
  const status = useCaptionsPart(api, selectStatus);
  const lag = useCaptionsPart(api, selectLag);
  const captionsMeetingId = useCaptionsPart(api, selectMeeting);

  const active = state.phase === 'recording' || state.phase === 'paused';
  const liveState = status?.state;
  const meetingId = active
    ? state.meetingId
    : liveState === 'recording' || liveState === 'paused'
      ? captionsMeetingId
      : null;

  // A new meeting starts with an empty list, before its first event arrives.
  useEffect(() => {
    if (active && state.meetingId !== null) store.dispatch({ type: 'meeting', meetingId: state.meetingId });
  }, [active, state.meetingId, store]);

  // The recorded time (paused excluded) is the meeting clock; the transcript's own clock backs it up
  // when this window is not the one capturing. Read when the user acts, not when the page rendered.
  const now = useCallback(() => {
    const snapshot = controller.getSnapshot();
    const recording = snapshot.phase === 'recording' || snapshot.phase === 'paused';
    return Math.max(recording ? snapshot.elapsedMs : 0, latestCaptureMs(store.getSnapshot()));
  }, [controller, store]);

  // Audio -> partial is measured against this window's recorded time, so only while it captures.
  const recordedMs = useCallback(() => {
    const snapshot = controller.getSnapshot();
    return snapshot.phase === 'recording' || snapshot.phase === 'paused' ? snapshot.elapsedMs : null;
  }, [controller]);

  const sameMeeting = captionsMeetingId !== null && captionsMeetingId === state.meetingId;
  return (
    <Page title="Live" focusOnMount={focusOnMount}>
      <div className="live-layout">
        <Recorder
          state={state}
          controller={controller}
          status={sameMeeting ? status : null}
          lag={sameMeeting && active ? lag : null}
        />
        <section className="card live-captions" aria-labelledby="captions-title">
          <h2 id="captions-title">Captions</h2>
          {state.mode === 'record-only' && active ? (
            <p className="muted">Record only: this meeting is transcribed after it ends.</p>
          ) : (
            <LiveCaptionList api={api} />
          )}
        </section>
        <Moments api={api} meetingId={meetingId} now={now} />
        <LatencyPanel api={api} meetingId={meetingId} recordedMs={recordedMs} />
      </div>
    </Page>
  );
}

const LiveCaptionList = memo(function LiveCaptionList({ api }: { api: VerbatimApi }) {
  const { captions } = useLiveCaptions(api);
  const { settings } = useSettings();
  const current = settings.state === 'ok' ? settings.value : LIVE_SETTINGS_FALLBACK;
  return (
    <CaptionList
      captions={captions}
      localName={current.localSpeakerName}
      threshold={current.confidenceThreshold}
    />
  );
});
