import type { ReactNode } from 'react';
import type { AppInfo, Health, Settings } from '../../../main/api';
import { describeError, type Remote } from '../backend/remote';
import { useSettings } from '../backend/settings';
import { useBackendStatus } from '../backend/status';
import { Field } from '../components/Field';
import { Page } from '../components/Page';
import { useDraft } from '../components/useDraft';
import { formatDuration, formatMegabytes } from '../format';
import { AudioSection } from '../settings/AudioSection';
import { ModelsSection } from '../settings/ModelsSection';
import { StorageSection } from '../settings/StorageSection';
import { VocabularyField } from '../settings/VocabularyField';
import { VoiceprintsSection } from '../voices/VoiceprintsSection';

const THEMES: Record<Settings['theme'], string> = { system: 'Same as system', light: 'Light', dark: 'Dark' };

/**
 * A Record over the schema's own union: adding a language to SettingsSchema without a label here is a
 * type error. (Importing the zod schema at runtime would also work but would ship zod to the renderer.)
 */
const LANGUAGES: Record<Settings['language'], string> = {
  auto: 'Detect automatically',
  en: 'English',
  zh: 'Chinese (Mandarin)',
  yue: 'Chinese (Cantonese)',
  ja: 'Japanese',
  ko: 'Korean',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch',
};

/** Steps within the schema's 0.75–2 range. */
const FONT_SCALES = [0.75, 0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];

const HOSTS: Record<AppInfo['host'], string> = {
  'in-process': 'In the app process',
  fork: 'Separate Node process',
  'utility-process': 'Electron utility process',
};

export function SettingsPage({ focusOnMount }: { focusOnMount: boolean }) {
  const { settings, reload } = useSettings();
  return (
    <Page title="Settings" focusOnMount={focusOnMount}>
      {settings.state === 'loading' && <p className="muted">Loading settings…</p>}
      {settings.state === 'error' && (
        <div className="notice notice-error" role="alert">
          <p>Could not load settings. {describeError(settings.error)}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {settings.state === 'ok' && <SettingsForm settings={settings.value} />}
      <ModelsSection />
      <VoiceprintsSection />
      <StorageSection />
      <AboutSection />
      <HealthSection />
    </Page>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const { set, saving, errors } = useSettings();
  const name = useDraft(settings.localSpeakerName, (text) => set('localSpeakerName', text));
  const threshold = useDraft(String(settings.confidenceThreshold), async (text) => {
    const value = Number(text);
    // An empty or non-numeric entry is abandoned (the field shows the stored value again) rather than
    // sent as 0 or NaN; out-of-range numbers are sent and the backend's refusal is shown.
    if (text.trim() === '' || !Number.isFinite(value)) return;
    await set('confidenceThreshold', value);
  });
  const fontScales = FONT_SCALES.includes(settings.fontScale)
    ? FONT_SCALES
    : [...FONT_SCALES, settings.fontScale].sort((a, b) => a - b);

  return (
    <>
      <section className="card" aria-labelledby="appearance-heading">
        <h2 id="appearance-heading">Appearance</h2>
        <Field id="setting-theme" label="Theme" saving={!!saving.theme} error={errors.theme}>
          {(a11y) => (
            <select
              {...a11y}
              value={settings.theme}
              onChange={(event) => {
                const theme = pick(THEMES, event.target.value);
                if (theme) void set('theme', theme);
              }}
            >
              {entries(THEMES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="setting-font-scale"
          label="Font size"
          hint="Scales all text in Verbatim."
          saving={!!saving.fontScale}
          error={errors.fontScale}
        >
          {(a11y) => (
            <select
              {...a11y}
              value={String(settings.fontScale)}
              onChange={(event) => void set('fontScale', Number(event.target.value))}
            >
              {fontScales.map((scale) => (
                <option key={scale} value={String(scale)}>
                  {Math.round(scale * 100)}%
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="setting-captions-window"
          label="Show a small captions window while recording"
          hint="The last two lines in large type, kept above other windows. Closing it hides it until the next meeting."
          saving={!!saving.captionsWindow}
          error={errors.captionsWindow}
          inline
        >
          {(a11y) => (
            <input
              {...a11y}
              type="checkbox"
              checked={settings.captionsWindow}
              onChange={(event) => void set('captionsWindow', event.target.checked)}
            />
          )}
        </Field>
      </section>

      <section className="card" aria-labelledby="transcription-heading">
        <h2 id="transcription-heading">Transcription</h2>
        <Field
          id="setting-language"
          label="Language"
          hint="The language people speak in your meetings."
          saving={!!saving.language}
          error={errors.language}
        >
          {(a11y) => (
            <select
              {...a11y}
              value={settings.language}
              onChange={(event) => {
                const language = pick(LANGUAGES, event.target.value);
                if (language) void set('language', language);
              }}
            >
              {entries(LANGUAGES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="setting-confidence"
          label="Confidence threshold"
          hint="Words the recognizer is less sure of than this (0 to 1) are flagged for review. Press Enter to save."
          saving={!!saving.confidenceThreshold}
          error={errors.confidenceThreshold}
        >
          {(a11y) => (
            <input
              {...a11y}
              {...threshold}
              className="input-number"
              type="number"
              inputMode="decimal"
              min={0}
              max={1}
              step={0.01}
            />
          )}
        </Field>
        <Field
          id="setting-echo"
          label="Echo cancellation"
          hint="Removes call audio that your microphone picks up from the speakers. Turn off if you wear headphones."
          saving={!!saving.echoCancellation}
          error={errors.echoCancellation}
          inline
        >
          {(a11y) => (
            <input
              {...a11y}
              type="checkbox"
              checked={settings.echoCancellation}
              onChange={(event) => void set('echoCancellation', event.target.checked)}
            />
          )}
        </Field>
        <Field
          id="setting-name"
          label="Your name"
          hint="Shown for what your microphone hears. Press Enter to save."
          saving={!!saving.localSpeakerName}
          error={errors.localSpeakerName}
        >
          {(a11y) => <input {...a11y} {...name} type="text" autoComplete="off" spellCheck={false} />}
        </Field>
        <VocabularyField settings={settings} />
      </section>

      <AudioSection settings={settings} />
    </>
  );
}

function AboutSection() {
  const { info } = useBackendStatus();
  return (
    <section className="card" aria-labelledby="about-heading">
      <h2 id="about-heading">About</h2>
      <RemoteBlock remote={info} what="app information">
        {(value) => (
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="app-version">{value.version}</dd>
            <dt>Data folder</dt>
            <dd data-testid="data-dir" className="path">
              {value.dataDir}
            </dd>
            <dt>Node.js</dt>
            <dd>{value.versions.node}</dd>
            <dt>Electron</dt>
            <dd>{value.versions.electron ?? 'Not running in Electron'}</dd>
            <dt>Platform</dt>
            <dd>
              {value.platform} ({value.arch})
            </dd>
            <dt>Backend runs</dt>
            <dd>{HOSTS[value.host]}</dd>
          </dl>
        )}
      </RemoteBlock>
    </section>
  );
}

function HealthSection() {
  const { health, refreshHealth } = useBackendStatus();
  return (
    <section className="card" aria-labelledby="health-heading">
      <div className="card-header">
        <h2 id="health-heading">Backend health</h2>
        <button type="button" className="button-quiet" onClick={refreshHealth}>
          Check again
        </button>
      </div>
      {health.state === 'error' ? (
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span data-testid="backend-status" className="status-bad">
              unavailable
            </span>
            <span className="muted"> — {describeError(health.error)}</span>
          </dd>
        </dl>
      ) : (
        <RemoteBlock remote={health} what="backend health">
          {(value) => <HealthFacts health={value} />}
        </RemoteBlock>
      )}
    </section>
  );
}

function HealthFacts({ health }: { health: Health }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <span data-testid="backend-status" className={health.status === 'ok' ? 'status-ok' : 'status-warn'}>
          {health.status}
        </span>
      </dd>
      <dt>Uptime</dt>
      <dd>{formatDuration(health.uptimeMs)}</dd>
      <dt>Problems</dt>
      <dd>
        {health.problems.length === 0 ? (
          'None'
        ) : (
          <ul className="problems">
            {health.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Process</dt>
      <dd>
        pid {health.pid} · {formatMegabytes(health.rssBytes)} memory · {health.connections} connection
        {health.connections === 1 ? '' : 's'}
      </dd>
    </dl>
  );
}

function RemoteBlock<T>({
  remote,
  what,
  children,
}: {
  remote: Remote<T>;
  what: string;
  children: (value: T) => ReactNode;
}) {
  if (remote.state === 'loading') return <p className="muted">Loading {what}…</p>;
  if (remote.state === 'error')
    return (
      <p className="notice notice-error">
        Could not load {what}. {describeError(remote.error)}
      </p>
    );
  return <>{children(remote.value)}</>;
}

function entries<K extends string>(record: Record<K, string>): [K, string][] {
  return Object.entries(record) as [K, string][];
}

/** Maps a <select>'s string back to the union it came from (rejects anything else). */
function pick<K extends string>(record: Record<K, string>, value: string): K | undefined {
  return Object.prototype.hasOwnProperty.call(record, value) ? (value as K) : undefined;
}
