import { useState } from 'react';
import type { ApiError, ExportFormat } from '../../../main/api';
import { useApi } from '../backend/context';
import { describeError } from '../backend/remote';
import { Dialog } from './Dialog';

const FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  {
    value: 'markdown',
    label: 'Markdown',
    hint: 'Notes: title, participants, your notes and the transcript.',
  },
  { value: 'srt', label: 'SRT', hint: 'Subtitles for video players.' },
  { value: 'vtt', label: 'WebVTT', hint: 'Subtitles with speaker voice tags.' },
  { value: 'json', label: 'JSON', hint: 'Everything, in a form Verbatim can import again.' },
  { value: 'text', label: 'Text', hint: 'Plain transcript.' },
];

/**
 * Saves the file through the browser's download: a Blob URL on an <a download>. No file system
 * access from the renderer, and the user's browser/OS decides where it goes.
 */
export function saveFile(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is only needed for that.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportDialog({
  meetingId,
  open,
  onClose,
}: {
  meetingId: number;
  open: boolean;
  onClose: () => void;
}) {
  const api = useApi();
  const [format, setFormat] = useState<ExportFormat>('markdown');
  const [emotions, setEmotions] = useState(true);
  const [markLow, setMarkLow] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const options =
      format === 'markdown'
        ? {
            emotions,
            // Threshold 0 marks nothing; leaving it out uses the user's threshold.
            ...(!markLow && { lowConfidenceThreshold: 0 }),
            ...(timeZone && timeZone.length <= 64 && { timeZone }),
          }
        : { ...(timeZone && timeZone.length <= 64 && { timeZone }) };
    const result = await api.invoke('archive.export', { meetingId, format, options }, { timeoutMs: 60_000 });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    saveFile(result.value.fileName, result.value.mimeType, result.value.content);
    setSaved(result.value.fileName);
  };

  return (
    <Dialog open={open} title="Export meeting" titleId="export-title" onClose={onClose}>
      <fieldset className="export-formats">
        <legend>Format</legend>
        {FORMATS.map((option) => (
          <div key={option.value} className="radio-row">
            <input
              type="radio"
              id={`export-${option.value}`}
              name="export-format"
              value={option.value}
              checked={format === option.value}
              onChange={() => setFormat(option.value)}
              aria-describedby={`export-${option.value}-hint`}
            />
            <label htmlFor={`export-${option.value}`}>{option.label}</label>
            <span className="field-hint" id={`export-${option.value}-hint`}>
              {option.hint}
            </span>
          </div>
        ))}
      </fieldset>
      {format === 'markdown' && (
        <fieldset className="export-options">
          <legend>Markdown options</legend>
          <div className="field-row">
            <input
              type="checkbox"
              id="export-emotions"
              checked={emotions}
              onChange={(event) => setEmotions(event.target.checked)}
            />
            <label htmlFor="export-emotions">Emotion tags</label>
          </div>
          <div className="field-row">
            <input
              type="checkbox"
              id="export-lowconf"
              checked={markLow}
              onChange={(event) => setMarkLow(event.target.checked)}
            />
            <label htmlFor="export-lowconf">Mark low-confidence words</label>
          </div>
        </fieldset>
      )}
      <div aria-live="polite">
        {saved && <p className="status-ok">Saved {saved}</p>}
        {error && (
          <p className="field-error" role="alert">
            {describeError(error)}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button-quiet" onClick={onClose}>
          Close
        </button>
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </Dialog>
  );
}
