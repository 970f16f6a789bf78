import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { navigate } from './history';
import { useLocation } from './use-location';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
  /** Mark the link as the current page when the path starts with `to` (navigation). */
  matchPrefix?: boolean;
}

/** An in-app link: a real anchor (so it can open in a new tab), navigating without a reload. */
export function Link({ to, children, matchPrefix, onClick, ...rest }: LinkProps) {
  const { path } = useLocation();
  const current = matchPrefix ? path === to || (to !== '/' && path.startsWith(`${to}/`)) : undefined;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target === '_blank'
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} aria-current={current ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
