import { useEffect, useRef } from 'react';
import type { ApiError } from '../../../main/api';
import { describeError } from '../backend/remote';
import { useInlineEdit } from '../components/useInlineEdit';

/**
 * The page heading with an Edit button. Editing swaps in a text field: Enter saves, Escape (or
 * leaving an unchanged field) cancels. Focus goes to the field, then back to the button.
 */
export function EditableTitle({
  title,
  focusOnMount,
  save,
}: {
  title: string;
  focusOnMount: boolean;
  save: (title: string) => Promise<ApiError | null>;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { draft, setDraft, stop, commit, onKeyDown, error, saving, input, trigger } = useInlineEdit((text) =>
    text === '' || text === title ? null : save(text),
  );

  useEffect(() => {
    document.title = `${title} — Verbatim`;
  }, [title]);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);
  return (
    <div className="title-row">
      {draft === null ? (
        <>
          <h1 ref={heading} tabIndex={-1} className="page-title">
            {title}
          </h1>
          <button
            ref={trigger}
            type="button"
            className="button-quiet button-small"
            onClick={() => setDraft(title)}
          >
            Edit title
          </button>
        </>
      ) : (
        <div className="field title-edit">
          <label htmlFor="meeting-title">Meeting title</label>
          <div className="field-row">
            <input
              ref={input}
              id="meeting-title"
              type="text"
              value={draft}
              maxLength={300}
              disabled={saving}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={onKeyDown}
              aria-describedby="meeting-title-hint"
              aria-invalid={error ? true : undefined}
            />
            <button type="button" onClick={() => void commit()} disabled={saving}>
              Save
            </button>
            <button type="button" className="button-quiet" onClick={stop}>
              Cancel
            </button>
          </div>
          <p className="field-hint" id="meeting-title-hint">
            Enter saves, Escape cancels.
          </p>
          {error && (
            <p className="field-error" role="alert">
              {describeError(error)}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
