import { useEffect, useState } from 'react';

/**
 * Four top-level pages, routed by the URL hash (#/settings). Why not a router library: four flat pages
 * need no nesting, params or loaders. Why the hash rather than component state: a reload keeps the page,
 * tests and the dev bridge can open a page by URL, and hash changes never leave the document, so they
 * work the same on app://, http://127.0.0.1 and in jsdom, and Electron's navigation guard never sees them.
 */
export const ROUTES = ['live', 'archive', 'review', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_TITLES: Record<Route, string> = {
  live: 'Live',
  archive: 'Archive',
  review: 'Review',
  settings: 'Settings',
};

export const DEFAULT_ROUTE: Route = 'live';

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE;
}

/**
 * One meeting, opened from the archive: #/meeting/12 or #/meeting/12?t=83000 (ms from its start, the
 * moment a search result points at). Not a nav page: the Archive link stays current while it is shown.
 */
export interface MeetingLocation {
  meetingId: number;
  atMs: number | null;
}

export function meetingHref(meetingId: number, atMs: number | null = null): string {
  return atMs === null
    ? `#/meeting/${meetingId}`
    : `#/meeting/${meetingId}?t=${Math.max(0, Math.round(atMs))}`;
}

export function parseMeetingLocation(hash: string): MeetingLocation | null {
  const match = /^#\/?meeting\/([1-9]\d{0,14})(?:\?(.*))?$/u.exec(hash);
  if (!match) return null;
  const t = new URLSearchParams(match[2] ?? '').get('t');
  const atMs = t !== null && /^\d{1,12}$/u.test(t) ? Number(t) : null;
  return { meetingId: Number(match[1]), atMs };
}

/**
 * The captions window (#/captions, main/app/captions-window.ts): a page of its own without the app's
 * navigation. Not a nav page; a window opened on it never navigates away.
 */
export function isCaptionsLocation(hash: string): boolean {
  return /^#\/?captions$/u.test(hash);
}

export interface RouteState {
  route: Route;
  /** Set when the hash names a meeting; `route` is then 'archive' (the section it belongs to). */
  meeting: MeetingLocation | null;
  /** True once the user has moved to another page (not for the page the window opened on). */
  navigated: boolean;
}

function readLocation(navigated: boolean): RouteState {
  const meeting = parseMeetingLocation(window.location.hash);
  return { route: meeting ? 'archive' : parseRoute(window.location.hash), meeting, navigated };
}

export function useHashRoute(): RouteState {
  const [state, setState] = useState<RouteState>(() => readLocation(false));
  useEffect(() => {
    const onHashChange = () => setState(readLocation(true));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return state;
}
