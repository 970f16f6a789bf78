import { type ReactNode, useId } from 'react';
import { useSession } from '../session';

/**
 * Why downloads are off, or undefined when they are not: while the session acts as another account the server
 * refuses every download (LETHE_E_ACTING_AS), so the console turns the buttons off and says why.
 */
export function useDownloadRefusal(): string | undefined {
  const { acting, account } = useSession();
  if (!acting) return undefined;
  const name = account?.displayName || account?.username || 'someone else';
  return `Downloads are turned off while you act as ${name}: a person's data goes only to them. Stop acting to download.`;
}

/**
 * The download link of an export package; while acting as another account, a disabled button that says why
 * (beside it, or for screen readers and on hover only when `compact`, as in a table row).
 */
export function DownloadLink({
  href,
  className,
  compact = false,
  children,
}: {
  href: string;
  className: string;
  compact?: boolean;
  children: ReactNode;
}) {
  const refusal = useDownloadRefusal();
  const id = useId();
  if (!refusal) {
    return (
      <a className={className} href={href} download>
        {children}
      </a>
    );
  }
  return (
    <span className="download-refused">
      <button
        type="button"
        className={className}
        disabled
        aria-describedby={id}
        title={compact ? refusal : undefined}
      >
        {children}
      </button>
      <span id={id} className={compact ? 'visually-hidden' : 'muted'}>
        {refusal}
      </span>
    </span>
  );
}
