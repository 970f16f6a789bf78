import { useEffect, useState } from 'react';
import { type LiveState, useDocumentVisible } from '../hooks/use-live-resource';

/** "just now", "3 s ago", "2 min ago", "1 h ago". */
export function formatUpdatedAgo(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

/** The time now, ticking every second while the tab is visible (re-rendering only its caller). */
function useNow(): number {
  const visible = useDocumentVisible();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!visible) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [visible]);
  return now;
}

/**
 * "Live · updated 3 s ago", with a Pause / Resume button: says whether the page refreshes by itself. The ticking
 * time is not a live region (it would be read out every second); a change of state (paused, failing) is announced.
 */
export function LiveIndicator({ live }: { live: LiveState }) {
  const now = useNow();
  const ago = live.updatedAt === undefined ? null : formatUpdatedAgo(now - live.updatedAt);
  const state = live.paused ? 'paused' : live.failed ? 'failed' : live.active ? 'live' : 'idle';
  const text =
    state === 'paused'
      ? 'Paused'
      : state === 'failed'
        ? 'Couldn’t update, retrying'
        : state === 'live'
          ? 'Live'
          : 'Up to date';
  return (
    <div className={`live-indicator live-${state}`}>
      <span className="live-dot" aria-hidden="true" />
      <span className="live-text">
        {text}
        {ago ? <span className="muted"> · updated {ago}</span> : null}
      </span>
      <button
        type="button"
        className="button button-link live-toggle"
        onClick={() => live.setPaused(!live.paused)}
      >
        {live.paused ? 'Resume' : 'Pause'}
        <span className="visually-hidden"> live updates</span>
      </button>
      <span className="visually-hidden" role="status">
        {state === 'paused'
          ? 'Live updates paused.'
          : state === 'failed'
            ? 'The page could not be updated; trying again.'
            : ''}
      </span>
    </div>
  );
}
