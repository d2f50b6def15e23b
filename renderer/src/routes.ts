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

export interface RouteState {
  route: Route;
  /** True once the user has moved to another page (not for the page the window opened on). */
  navigated: boolean;
}

export function useHashRoute(): RouteState {
  const [state, setState] = useState<RouteState>(() => ({
    route: parseRoute(window.location.hash),
    navigated: false,
  }));
  useEffect(() => {
    const onHashChange = () => setState({ route: parseRoute(window.location.hash), navigated: true });
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return state;
}
