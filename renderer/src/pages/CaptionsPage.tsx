import { useAppearance } from '../appearance';
import { useApi } from '../backend/context';
import { useSettings } from '../backend/settings';
import { lastRows, speakerOf } from '../live/captions';
import { useLiveCaptions } from '../live/store';
import { LIVE_SETTINGS_FALLBACK } from '../live/status';

/** Lines the captions window shows: enough to follow, few enough to read at a glance over a call. */
export const CAPTIONS_WINDOW_LINES = 2;

/**
 * The small always-on-top captions window (#/captions, main/app/captions-window.ts): the last two lines in
 * large type, no navigation. The window is frameless, so the whole page is its drag handle
 * (-webkit-app-region in live.css). It is not a live region: the main window already announces captions,
 * and a second voice reading the same words would only get in the way.
 */
export function CaptionsPage() {
  useAppearance();
  const { captions } = useLiveCaptions(useApi());
  const { settings } = useSettings();
  const localName =
    settings.state === 'ok' ? settings.value.localSpeakerName : LIVE_SETTINGS_FALLBACK.localSpeakerName;
  const lines = lastRows(captions, CAPTIONS_WINDOW_LINES);

  return (
    <main className="captions-window" aria-label="Captions">
      <div className="captions-window-bar">
        <span>Verbatim captions</span>
        <button type="button" className="button-quiet button-small" onClick={() => window.close()}>
          Close
        </button>
      </div>
      <ul className="captions-window-lines" data-testid="captions-window-lines">
        {lines.length === 0 && <li className="captions-window-line muted">Waiting for speech…</li>}
        {lines.map((line) => {
          const speaker = speakerOf(captions, line, localName);
          return (
            <li
              key={line.rowKey}
              className={`captions-window-line ${line.provisional ? 'caption-provisional' : 'caption-final'}`}
              data-provisional={line.provisional ? 'true' : 'false'}
            >
              <span className={`speaker-name ${speaker.colourClass}`}>{speaker.name}</span>
              <span className="caption-words">{line.text}</span>
            </li>
          );
        })}
      </ul>
    </main>
  );
}
