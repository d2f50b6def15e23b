import { useState } from 'react';
import type { Settings } from '../../../main/api';
import { useApi } from '../backend/context';
import { useSettings } from '../backend/settings';
import { useRecording } from '../capture/useRecording';
import { Field } from '../components/Field';
import { useDraft } from '../components/useDraft';
import { levelPreviewAvailable, useLevelPreview } from './useLevelPreview';

const METER_FLOOR_DB = -60;

/**
 * Settings > Audio devices: which microphone, whether the system audio (the other side of the call) is
 * recorded too, and after how much silence a forgotten recording stops. The device list is the recording
 * controller's (it follows plug and unplug); the choice is stored in the settings, which the controller
 * reads when a meeting starts.
 */
export function AudioSection({ settings }: { settings: Settings }) {
  const api = useApi();
  const { set, saving, errors } = useSettings();
  const { state: recorder, controller } = useRecording(api);
  const [testing, setTesting] = useState(false);
  const preview = useLevelPreview(settings.micDeviceId, testing, () => void controller.refreshDevices());
  const autoStop = useDraft(String(settings.autoStopMinutes), async (text) => {
    const minutes = Number(text);
    if (text.trim() === '' || !Number.isFinite(minutes)) return;
    await set('autoStopMinutes', Math.round(minutes));
  });

  const chosen = settings.micDeviceId;
  const known = chosen === null || recorder.microphones.some((m) => m.deviceId === chosen);
  const recording = recorder.phase === 'recording' || recorder.phase === 'paused';

  return (
    <section className="card" aria-labelledby="audio-heading">
      <div className="card-header">
        <h2 id="audio-heading">Audio devices</h2>
        <button type="button" className="button-quiet" onClick={() => void controller.refreshDevices()}>
          Refresh devices
        </button>
      </div>
      <Field
        id="setting-microphone"
        label="Microphone"
        hint={
          recording
            ? 'Applies to the next recording. If the microphone in use is unplugged, recording switches to the system default.'
            : 'If this microphone is unplugged during a meeting, recording switches to the system default.'
        }
        saving={!!saving.micDeviceId}
        error={errors.micDeviceId}
      >
        {(a11y) => (
          <select
            {...a11y}
            value={chosen ?? ''}
            onChange={(event) => void set('micDeviceId', event.target.value || null)}
          >
            <option value="">System default</option>
            {recorder.microphones.map((m) => (
              <option key={m.deviceId} value={m.deviceId}>
                {m.label}
              </option>
            ))}
            {!known && <option value={chosen}>Not connected (the system default is used)</option>}
          </select>
        )}
      </Field>
      {levelPreviewAvailable() && (
        <div className="field">
          <div className="field-row">
            <button type="button" aria-pressed={testing} onClick={() => setTesting((t) => !t)}>
              {testing ? 'Stop test' : 'Test microphone'}
            </button>
            {testing && (
              <>
                <meter
                  aria-label="Microphone test level"
                  min={METER_FLOOR_DB}
                  max={0}
                  low={-40}
                  high={-6}
                  optimum={-20}
                  value={Math.max(METER_FLOOR_DB, preview.levelDb ?? METER_FLOOR_DB)}
                />
                <span className="muted">
                  {preview.levelDb === null ? '—' : `${Math.round(preview.levelDb)} dBFS`}
                </span>
              </>
            )}
          </div>
          {preview.error && (
            <p className="notice notice-error" role="alert">
              {preview.error}
            </p>
          )}
        </div>
      )}
      <Field
        id="setting-system-audio"
        label="Record system audio"
        hint="Records what your computer plays (the other people in a call) next to your microphone. If the system does not allow it, the microphone is recorded alone and the Live page says why."
        saving={!!saving.captureSystemAudio}
        error={errors.captureSystemAudio}
        inline
      >
        {(a11y) => (
          <input
            {...a11y}
            type="checkbox"
            checked={settings.captureSystemAudio}
            onChange={(event) => void set('captureSystemAudio', event.target.checked)}
          />
        )}
      </Field>
      <Field
        id="setting-auto-stop"
        label="Stop after silence (minutes)"
        hint="A recording stops by itself after this long without sound on both channels. Press Enter to save."
        saving={!!saving.autoStopMinutes}
        error={errors.autoStopMinutes}
      >
        {(a11y) => (
          <input
            {...a11y}
            {...autoStop}
            className="input-number"
            type="number"
            inputMode="numeric"
            min={1}
            max={24 * 60}
            step={1}
          />
        )}
      </Field>
    </section>
  );
}
