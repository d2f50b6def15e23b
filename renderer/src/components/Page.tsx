import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A page with its h1. When the user switches pages, focus moves to the new heading so keyboard and
 * screen-reader users land at the start of the new content (and hear its name) instead of staying
 * on a link that no longer describes what is shown.
 */
export function Page({
  title,
  focusOnMount,
  children,
}: {
  title: string;
  focusOnMount: boolean;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Verbatim`;
    if (focusOnMount) heading.current?.focus();
  }, [title, focusOnMount]);
  return (
    <>
      <h1 ref={heading} tabIndex={-1} className="page-title">
        {title}
      </h1>
      {children}
    </>
  );
}

/** An honest stand-in for a page whose feature has not been built yet. */
export function Upcoming({ feature, children }: { feature: string; children: ReactNode }) {
  return (
    <section className="upcoming" aria-label="Not available yet">
      <p className="upcoming-lead">{feature}</p>
      <div className="upcoming-body">{children}</div>
    </section>
  );
}
