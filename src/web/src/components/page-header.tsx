import { type ReactNode, useEffect, useRef } from 'react';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useFocusRescue } from '../hooks/use-focus-rescue';
import { Link } from '../router';

interface Crumb {
  label: string;
  to: string;
}

interface PageHeaderProps {
  title: string;
  /** A line under the title. */
  description?: ReactNode;
  /** Buttons on the right. */
  actions?: ReactNode;
  breadcrumbs?: Crumb[];
}

/**
 * The page's title (h1), which takes focus when the page opens so that screen readers announce the new page,
 * and sets the window title. When a live refresh takes away the action that had focus (a request ends: its Pause
 * and Cancel buttons go), focus moves to the action now in its place, or to the title: never to the page.
 */
export function PageHeader({ title, description, actions, breadcrumbs }: PageHeaderProps) {
  useDocumentTitle(title);
  const ref = useRef<HTMLHeadingElement>(null);
  const headerRef = useRef<HTMLElement>(null);
  useFocusRescue(headerRef, { fallback: () => ref.current });
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <header ref={headerRef} className="page-header">
      {breadcrumbs && breadcrumbs.length > 0 ? (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {breadcrumbs.map((crumb) => (
              <li key={crumb.to}>
                <Link to={crumb.to}>{crumb.label}</Link>
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="page-header-row">
        <div>
          <h1 ref={ref} tabIndex={-1}>
            {title}
          </h1>
          {description ? <p className="page-description">{description}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
    </header>
  );
}
