import type { ReactNode } from 'react';
import type { ApiError } from '../../../main/api';
import { describeError } from '../backend/remote';

/** What a control needs to be tied to its hint and error text. */
export interface FieldControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  saving?: boolean;
  error?: ApiError | undefined;
  /** Checkbox layout: control first, label beside it. */
  inline?: boolean;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * One setting: a visible <label>, the control, an optional hint, and the backend's answer to the last
 * save (saving, or the typed error). The error is an alert so it is announced when it appears.
 */
export function Field({ id, label, hint, saving = false, error, inline = false, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined });
  // "Saving…" sits beside the label so it appears without pushing the form around.
  const status = (
    <span className="field-status" aria-live="polite">
      {saving ? 'Saving…' : ''}
    </span>
  );
  return (
    <div className={`field${inline ? ' field-inline' : ''}`}>
      {inline ? (
        <div className="field-row">
          {control}
          <label htmlFor={id}>{label}</label>
          {status}
        </div>
      ) : (
        <>
          <div className="field-row">
            <label htmlFor={id}>{label}</label>
            {status}
          </div>
          {control}
        </>
      )}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {describeError(error)}
        </p>
      )}
    </div>
  );
}
