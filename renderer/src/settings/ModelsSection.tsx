import type { ModelRow } from '../../../main/api';
import { describeError } from '../backend/remote';
import { useModels, type ModelProgress } from './useModels';

const STATUS_TEXT: Record<ModelRow['status'], string> = {
  missing: 'Not installed',
  'present-unverified': 'Installed (not yet verified)',
  verified: 'Installed and verified',
  corrupt: 'Damaged: download again',
  unpinned: 'Installed (no published checksum)',
};

/**
 * Settings > Models: what is installed, what each model is for, and downloads with progress, cancel,
 * verify and remove. Only an explicit click here (or `verbatim models fetch`) opens a network connection.
 */
export function ModelsSection() {
  const { list, progress, running, outcome, fetch, verify, remove, cancel, reload } = useModels();
  return (
    <section className="card" aria-labelledby="models-heading">
      <h2 id="models-heading">Models</h2>
      <p className="hint">
        Speech models run on this computer. Downloads are checked against their published checksum before use.
      </p>
      {list.state === 'loading' && <p className="muted">Checking installed models…</p>}
      {list.state === 'error' && (
        <div className="notice notice-error" role="alert">
          <p>Could not list models. {describeError(list.error)}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {list.state === 'ok' && (
        <table className="models-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Role</th>
              <th scope="col">Size</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.value.models.map((model) => {
              const busy = running?.target === model.id;
              const installed = model.status !== 'missing';
              return (
                <tr key={model.id} data-testid={`model-${model.id}`}>
                  <th scope="row">
                    {model.name}
                    <span className="muted model-license"> · {model.license}</span>
                  </th>
                  <td>{model.kind}</td>
                  <td>{model.size}</td>
                  <td>
                    <span className={`model-status model-status-${model.status}`}>
                      {STATUS_TEXT[model.status]}
                    </span>
                    {progress[model.id] && <ProgressLine progress={progress[model.id]!} />}
                  </td>
                  <td className="model-actions">
                    {busy && running?.kind === 'fetch' ? (
                      <button type="button" onClick={cancel}>
                        Cancel
                      </button>
                    ) : (
                      <>
                        {(model.status === 'missing' || model.status === 'corrupt') && (
                          <button type="button" disabled={running !== null} onClick={() => fetch(model.id)}>
                            Download<span className="visually-hidden"> {model.name}</span>
                          </button>
                        )}
                        {installed && (
                          <button type="button" disabled={running !== null} onClick={() => verify(model.id)}>
                            Verify<span className="visually-hidden"> {model.name}</span>
                          </button>
                        )}
                        {installed && model.location.includes('user') && (
                          <button type="button" disabled={running !== null} onClick={() => remove(model.id)}>
                            Remove<span className="visually-hidden"> {model.name}</span>
                          </button>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {outcome && (
        <p className={outcome.ok ? 'notice' : 'notice notice-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.target}: {outcome.message}
        </p>
      )}
    </section>
  );
}

function ProgressLine({ progress }: { progress: ModelProgress }) {
  const percent = progress.total ? Math.min(100, (100 * progress.received) / progress.total) : null;
  const label =
    progress.phase === 'verifying'
      ? 'Verifying checksum…'
      : progress.phase === 'waiting'
        ? 'Waiting for another download of this file…'
        : `${percent === null ? formatBytes(progress.received) : `${percent.toFixed(0)}%`} · ${formatBytes(progress.bytesPerSecond)}/s`;
  return (
    <div className="model-progress">
      <progress
        max={100}
        value={percent ?? undefined}
        aria-label={`Downloading file ${progress.fileIndex} of ${progress.fileCount}`}
      />
      <span className="muted">
        File {progress.fileIndex}/{progress.fileCount}: {label}
      </span>
    </div>
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
