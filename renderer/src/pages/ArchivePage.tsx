import { useMemo, useState } from 'react';
import { dayBoundary } from '../archive/format';
import { ImportButton } from '../archive/ImportButton';
import { MeetingList } from '../archive/MeetingList';
import { SearchResults } from '../archive/SearchResults';
import { useArchiveChanged } from '../archive/useArchiveChanged';
import { useSearch, type SearchCriteria } from '../archive/useSearch';
import { Page } from '../components/Page';

/**
 * The archive: search across every meeting as you type, or (with nothing to search for) the list of
 * meetings, newest first. Importing transcripts lives here too.
 */
export function ArchivePage({ focusOnMount }: { focusOnMount: boolean }) {
  const [query, setQuery] = useState('');
  const [lowConfidence, setLowConfidence] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [refresh, setRefresh] = useState(0);
  useArchiveChanged(() => setRefresh((n) => n + 1));

  const criteria = useMemo((): SearchCriteria | null => {
    const fromMs = dayBoundary(from, false);
    const toMs = dayBoundary(to, true);
    const trimmed = query.trim();
    if (trimmed === '' && !lowConfidence && fromMs === undefined && toMs === undefined) return null;
    return {
      ...(trimmed !== '' && { query: trimmed }),
      ...(lowConfidence && { lowConfidence: true }),
      ...(fromMs !== undefined && { from: fromMs }),
      ...(toMs !== undefined && { to: toMs }),
    };
  }, [query, lowConfidence, from, to]);
  const { state, busy, loadMore } = useSearch(criteria, refresh);

  return (
    <Page title="Archive" focusOnMount={focusOnMount}>
      <ImportButton />
      <div role="search" aria-label="Search the archive" className="search-panel">
        <div className="field search-field">
          <label htmlFor="archive-search">Search transcripts and notes</label>
          <input
            id="archive-search"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            aria-describedby="archive-search-hint"
            autoComplete="off"
            spellCheck={false}
          />
          <p className="field-hint" id="archive-search-hint">
            Words, &quot;exact phrases&quot;, -exclude, prefix*, speaker:ana, emotion:angry, after:2024-01-31,
            before:2024-12-31, lowconf.
          </p>
        </div>
        <div className="search-filters">
          <div className="field field-inline">
            <div className="field-row">
              <input
                id="archive-lowconf"
                type="checkbox"
                checked={lowConfidence}
                onChange={(event) => setLowConfidence(event.target.checked)}
              />
              <label htmlFor="archive-lowconf">Only low-confidence</label>
            </div>
          </div>
          <div className="field">
            <label htmlFor="archive-from">From</label>
            <input
              id="archive-from"
              type="date"
              value={from}
              onChange={(event) => setFrom(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="archive-to">To</label>
            <input id="archive-to" type="date" value={to} onChange={(event) => setTo(event.target.value)} />
          </div>
        </div>
      </div>
      {criteria ? (
        <SearchResults state={state} busy={busy} onLoadMore={loadMore} />
      ) : (
        <MeetingList refresh={refresh} />
      )}
    </Page>
  );
}
