import { useId, useState, type ChangeEvent } from 'react';
import { MAX_MESSAGE_BYTES, type ImportResult } from '../../../main/api';
import { useApi } from '../backend/context';
import { describeError } from '../backend/remote';
import { meetingHref } from '../routes';
import { plural } from './format';

/** Room left in one message for the envelope and JSON escaping of the text. */
const MAX_FILE_BYTES = MAX_MESSAGE_BYTES - 64 * 1024;

/**
 * "Import transcripts…": a real file input (so keyboard, screen readers and drag-and-drop onto it work
 * as the platform intends) dressed as a button. Each file goes in its own archive.import request so
 * one big file cannot push a request over the message limit and one bad file cannot block the rest.
 */
export function ImportButton() {
  const api = useApi();
  const id = useId();
  const [results, setResults] = useState<ImportResult[] | null>(null);
  const [importing, setImporting] = useState<string | null>(null);

  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    // Clearing lets the user pick the same file again after fixing it.
    input.value = '';
    if (files.length === 0) return;
    setResults([]);
    for (const file of files) {
      setImporting(file.name);
      const result = await importOne(file);
      setResults((previous) => [...(previous ?? []), result]);
    }
    setImporting(null);
  };

  const importOne = async (file: File): Promise<ImportResult> => {
    const fail = (message: string): ImportResult => ({ name: file.name, ok: false, message, line: null });
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      return fail(`Could not read the file: ${String(error)}`);
    }
    if (new TextEncoder().encode(text).length > MAX_FILE_BYTES) {
      return fail(`Too large to import here (over ${Math.floor(MAX_FILE_BYTES / 1024)} KB).`);
    }
    const reply = await api.invoke(
      'archive.import',
      { files: [{ name: file.name, text }] },
      { timeoutMs: 60_000 },
    );
    if (!reply.ok) return fail(describeError(reply.error));
    return reply.value.results[0] ?? fail('The backend returned no result for this file.');
  };

  return (
    <div className="import">
      <div className="file-button">
        <input
          id={id}
          type="file"
          multiple
          accept=".vtt,.srt,.json"
          className="file-input"
          onChange={(event) => void onChange(event)}
          disabled={importing !== null}
        />
        <label htmlFor={id} className="button-like">
          Import transcripts…
        </label>
      </div>
      <p className="field-hint">WebVTT (Zoom, Teams), SRT or Verbatim JSON. Each file becomes a meeting.</p>
      <div aria-live="polite">
        {importing !== null && <p className="muted">Importing {importing}…</p>}
        {results && results.length > 0 && (
          <ul className="import-results" aria-label="Import results">
            {results.map((result, index) => (
              <li key={index} className={result.ok ? 'import-ok' : 'import-failed'}>
                {result.ok ? (
                  <>
                    Imported <a href={meetingHref(result.meetingId)}>{result.title}</a> (
                    {plural(result.segments, 'segment')})
                  </>
                ) : (
                  `${result.name}: ${result.message}${result.line !== null ? ` (line ${result.line})` : ''}`
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
