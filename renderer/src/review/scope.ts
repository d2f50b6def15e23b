import { useEffect, useState } from 'react';

/**
 * The review page's scope lives in the hash, like every route: #/review (the whole archive) or
 * #/review?meeting=12 (one meeting, opened from the meeting view). App keys the page on the route only,
 * so a change of scope re-renders this page instead of remounting it.
 */
export function reviewHref(meetingId: number | null = null): string {
  return meetingId === null ? '#/review' : `#/review?meeting=${meetingId}`;
}

export function parseReviewScope(hash: string): number | null {
  const match = /^#\/?review\?(.*)$/u.exec(hash);
  if (!match) return null;
  const meeting = new URLSearchParams(match[1]).get('meeting');
  return meeting !== null && /^[1-9]\d{0,14}$/u.test(meeting) ? Number(meeting) : null;
}

export function useReviewScope(): number | null {
  const [scope, setScope] = useState(() => parseReviewScope(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setScope(parseReviewScope(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return scope;
}
