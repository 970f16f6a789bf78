import { useEffect } from 'react';

/** Sets the window title to "<title> · Lethe". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Lethe` : 'Lethe';
  }, [title]);
}
