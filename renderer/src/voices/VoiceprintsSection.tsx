import { useState } from 'react';
import type { ApiError, Voiceprint } from '../../../main/api';
import { Dialog } from '../archive/Dialog';
import { describeError } from '../backend/remote';
import { useSettings } from '../backend/settings';
import { Field } from '../components/Field';
import { useInlineEdit } from '../components/useInlineEdit';
import { useVoiceAction, useVoiceprints } from './useVoices';

/**
 * Settings → Remembered voices (issue 7 §3): the opt-in, and the saved voiceprints with rename and
 * forget. Forgetting asks first and deletes the voiceprint from disk.
 */
export function VoiceprintsSection() {
  const { settings, set, saving, errors } = useSettings();
  const { data } = useVoiceprints();
  const [forgetting, setForgetting] = useState<Voiceprint | null>(null);
  const [forgetError, setForgetError] = useState<ApiError | null>(null);
  const act = useVoiceAction();
  const enabled = settings.state === 'ok' && settings.value.voiceprintsEnabled;

  const forget = async () => {
    if (!forgetting) return;
    const error = await act('voiceprints.forget', { voiceprintId: forgetting.id });
    if (error) setForgetError(error);
    else setForgetting(null);
  };

  return (
    <section className="card voiceprints" aria-labelledby="voiceprints-heading">
      <h2 id="voiceprints-heading">Remembered voices</h2>
      {settings.state === 'ok' && (
        <Field
          id="setting-voiceprints"
          label="Remember voices"
          hint="When you save a speaker's voice, Verbatim keeps a voiceprint on this computer and suggests the name in later meetings. Nothing is renamed without you."
          saving={!!saving.voiceprintsEnabled}
          error={errors.voiceprintsEnabled}
          inline
        >
          {(a11y) => (
            <input
              {...a11y}
              type="checkbox"
              checked={enabled}
              onChange={(event) => void set('voiceprintsEnabled', event.target.checked)}
            />
          )}
        </Field>
      )}
      {data.state === 'loading' && <p className="muted">Loading voiceprints…</p>}
      {data.state === 'error' && (
        <p className="notice notice-error">Could not load voiceprints. {describeError(data.error)}</p>
      )}
      {data.state === 'ok' &&
        (data.value.voiceprints.length === 0 ? (
          <p className="muted">No voices saved.</p>
        ) : (
          <ul className="voiceprint-list" aria-label="Saved voiceprints">
            {data.value.voiceprints.map((print) => (
              <VoiceprintRow
                key={print.id}
                print={print}
                onForget={() => {
                  setForgetError(null);
                  setForgetting(print);
                }}
              />
            ))}
          </ul>
        ))}
      {data.state === 'ok' && !data.value.enabled && data.value.voiceprints.length > 0 && (
        <p className="field-hint">Remembering is off: these voices are kept but not suggested.</p>
      )}
      <Dialog
        open={forgetting !== null}
        title={forgetting ? `Forget ${forgetting.name}'s voice?` : 'Forget voice?'}
        titleId="forget-voice-title"
        onClose={() => setForgetting(null)}
      >
        <p>
          The voiceprint is deleted from this computer. Speakers already named {forgetting?.name} keep the
          name, but the voice will not be recognised again.
        </p>
        {forgetError && (
          <p className="field-error" role="alert">
            {describeError(forgetError)}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button-quiet" onClick={() => setForgetting(null)} autoFocus>
            Cancel
          </button>
          <button type="button" className="button-danger" onClick={() => void forget()}>
            Forget voice
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function VoiceprintRow({ print, onForget }: { print: Voiceprint; onForget: () => void }) {
  const act = useVoiceAction();
  const { draft, setDraft, stop, commit, onKeyDown, error, input, trigger } = useInlineEdit((name) =>
    !name || name === print.name ? null : act('voiceprints.rename', { voiceprintId: print.id, name }),
  );

  return (
    <li className="voiceprint">
      {draft !== null ? (
        <span className="field-row">
          <input
            ref={input}
            type="text"
            aria-label={`New name for the voice of ${print.name}`}
            value={draft}
            maxLength={80}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            aria-invalid={error ? true : undefined}
          />
          <button type="button" className="button-small" onClick={() => void commit()}>
            Save
          </button>
          <button type="button" className="button-quiet button-small" onClick={stop}>
            Cancel
          </button>
        </span>
      ) : (
        <>
          <span className="voiceprint-name">{print.name}</span>
          <span className="muted voiceprint-meta">
            {print.speakerCount === 1 ? '1 speaker' : `${print.speakerCount} speakers`} · {print.modelId}
          </span>
          <button
            ref={trigger}
            type="button"
            className="button-quiet button-small"
            aria-label={`Rename the voice of ${print.name}`}
            onClick={() => setDraft(print.name)}
          >
            Rename
          </button>
          <button
            type="button"
            className="button-quiet button-small"
            aria-label={`Forget the voice of ${print.name}`}
            onClick={onForget}
          >
            Forget…
          </button>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </li>
  );
}
