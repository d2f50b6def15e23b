import type { ReactNode } from 'react';
import { ROUTES, ROUTE_TITLES, routeHref, type Route } from '../routes';

/** Decorative only (aria-hidden): the link text is the accessible name. */
const ICONS: Record<Route, ReactNode> = {
  live: (
    <>
      <circle cx="12" cy="12" r="3.5" />
      <path d="M6.3 6.3a8 8 0 0 0 0 11.4M17.7 6.3a8 8 0 0 1 0 11.4" />
    </>
  ),
  archive: (
    <>
      <rect x="3.5" y="4.5" width="17" height="4" rx="1" />
      <path d="M5 8.5v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-10M10 12.5h4" />
    </>
  ),
  review: (
    <>
      <path d="M4 6.5h10M4 11.5h7M4 16.5h6" />
      <path d="m14 16 2.5 2.5L21 13" />
    </>
  ),
  settings: (
    <>
      <path d="M4 7h9M17 7h3M4 17h3M11 17h9" />
      <circle cx="15" cy="7" r="2" />
      <circle cx="9" cy="17" r="2" />
    </>
  ),
};

/** Plain links: reachable with Tab, activated with Enter, and aria-current marks the page shown. */
export function Nav({ current }: { current: Route }) {
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {ROUTES.map((route) => (
          <li key={route}>
            <a href={routeHref(route)} aria-current={route === current ? 'page' : undefined}>
              <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                {ICONS[route]}
              </svg>
              {ROUTE_TITLES[route]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
