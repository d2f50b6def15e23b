import { describeError } from '../backend/remote';
import { useBackendQuery } from '../backend/useBackendQuery';
import { formatBytes } from './format-bytes';

/** Settings > Data folder and disk use: where everything lives and what it takes, measured on demand. */
export function StorageSection() {
  const { data, reload } = useBackendQuery('system.storage', { timeoutMs: 60_000 });
  return (
    <section className="card" aria-labelledby="storage-heading">
      <div className="card-header">
        <h2 id="storage-heading">Data folder and disk use</h2>
        <button type="button" className="button-quiet" onClick={reload}>
          Measure again
        </button>
      </div>
      {data.state === 'loading' && <p className="muted">Measuring…</p>}
      {data.state === 'error' && (
        <p className="notice notice-error">Could not measure the data folder. {describeError(data.error)}</p>
      )}
      {data.state === 'ok' && (
        <dl className="facts" aria-label="Disk use">
          <dt>Data folder</dt>
          <dd className="path" data-testid="storage-data-dir">
            {data.value.dataDir}
          </dd>
          <dt>Archive</dt>
          <dd data-testid="storage-archive">{formatBytes(data.value.archiveBytes)}</dd>
          <dt>Recordings</dt>
          <dd data-testid="storage-recordings">{formatBytes(data.value.recordingsBytes)}</dd>
          <dt>Models</dt>
          <dd data-testid="storage-models">{formatBytes(data.value.modelsBytes)}</dd>
          <dt>Total</dt>
          <dd data-testid="storage-total">
            {formatBytes(data.value.archiveBytes + data.value.recordingsBytes + data.value.modelsBytes)}
          </dd>
          <dt>Free on this disk</dt>
          <dd data-testid="storage-free">
            {data.value.freeBytes === null
              ? 'Unknown'
              : data.value.diskBytes === null
                ? formatBytes(data.value.freeBytes)
                : `${formatBytes(data.value.freeBytes)} of ${formatBytes(data.value.diskBytes)}`}
          </dd>
        </dl>
      )}
    </section>
  );
}
