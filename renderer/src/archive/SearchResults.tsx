import type { SearchHit } from '../../../main/api';
import { describeError } from '../backend/remote';
import { meetingHref } from '../routes';
import { formatClock, formatDate, plural } from './format';
import { groupHitsByMeeting } from './group';
import { Snippet } from './snippet';
import type { SearchState } from './useSearch';

/** Results of the latest query: grouped by meeting, each hit a link to its moment in the meeting. */
export function SearchResults({
  state,
  busy,
  onLoadMore,
}: {
  state: SearchState;
  busy: boolean;
  onLoadMore: () => void;
}) {
  if (state.kind === 'idle') return null;
  if (state.kind === 'loading') return <p className="muted">Searching…</p>;
  if (state.kind === 'invalid') {
    return (
      <p className="notice search-message" role="status">
        {state.message}
      </p>
    );
  }
  if (state.kind === 'error') {
    return (
      <p className="notice notice-error" role="alert">
        Search failed. {describeError(state.error)}
      </p>
    );
  }
  const groups = groupHitsByMeeting([...state.hits, ...state.notes]);
  const count = state.hits.length + state.notes.length;
  return (
    <section aria-labelledby="results-heading" aria-busy={busy}>
      <h2 id="results-heading" className="section-title">
        Results{' '}
        <span className="muted count" role="status">
          {count === 0
            ? 'nothing found'
            : `${plural(count, 'match', 'matches')}${state.hasMore ? ' so far' : ''}`}
        </span>
      </h2>
      {state.ignored.length > 0 && (
        <p className="search-ignored muted">Ignored: {state.ignored.join(', ')}</p>
      )}
      <ol className="result-groups">
        {groups.map((group) => (
          <li key={group.meetingId} className="result-group">
            <h3 className="result-meeting">
              <a href={meetingHref(group.meetingId)}>{group.title}</a>{' '}
              <span className="muted result-date">{formatDate(group.startedAt)}</span>
            </h3>
            <ul className="hits">
              {group.hits.map((hit) => (
                <li key={`${hit.kind}-${hit.id}`}>
                  <Hit hit={hit} />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {state.hasMore && (
        <button type="button" className="button-quiet" onClick={onLoadMore} disabled={busy}>
          Load more
        </button>
      )}
    </section>
  );
}

function Hit({ hit }: { hit: SearchHit }) {
  const who = hit.kind === 'note' ? 'Note' : (hit.speakerName ?? 'Unknown speaker');
  return (
    <a className="hit" href={meetingHref(hit.meetingId, hit.startMs)} data-testid="search-hit">
      <span className="hit-who">{who}</span>
      {hit.startMs !== null && <span className="timestamp">[{formatClock(hit.startMs)}]</span>}
      <span className="hit-snippet">
        <Snippet text={hit.snippet} />
      </span>
    </a>
  );
}
