import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';

const focusables = 'a[href], button, input, select, textarea, [tabindex], [role="menuitem"]';

/** Whether an element can hold focus now: in the page, not disabled, not hidden away. */
function usable(el: Element | null | undefined): el is HTMLElement {
  return (
    el instanceof HTMLElement &&
    el.isConnected &&
    !el.matches(':disabled') &&
    el.closest('[hidden], [inert]') === null
  );
}

function usableWithin(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll(focusables)].filter(usable);
}

/**
 * Where focus goes once `lost` is gone: the element with the same `data-focus-key` (the same item, re-rendered as
 * another element), else what now stands where it stood (the element after its nearest neighbour that is still
 * there), else that neighbour, else the first one in the container.
 */
function* candidates(root: HTMLElement, lost: HTMLElement, before: HTMLElement[]): Generator<HTMLElement> {
  const now = usableWithin(root);
  const key = lost.dataset['focusKey'];
  if (key !== undefined) {
    const same = now.find((el) => el.dataset['focusKey'] === key);
    if (same) yield same;
  }
  const at = before.indexOf(lost);
  for (let i = at - 1; i >= 0; i -= 1) {
    const anchor = before[i] as HTMLElement;
    const k = now.indexOf(anchor);
    if (k < 0) continue;
    for (const el of now.slice(k + 1)) yield el;
    for (const el of now.slice(0, k + 1).reverse()) yield el;
    return;
  }
  yield* now;
}

export interface FocusRescueOptions {
  /** Off while the container isn't shown (a closed menu). */
  enabled?: boolean;
  /** Where focus goes when nothing in the container can take it (a menu's button, a page's heading). */
  fallback?: () => HTMLElement | null | undefined;
}

/**
 * Keeps keyboard focus in a part of the page that a re-render changes under the user (a live refresh): when the
 * element that had focus is removed, replaced (the same `data-focus-key` on another element) or disabled, focus
 * moves to the same item, else to the one now in its place or a neighbour, else to `fallback`, never to <body>.
 * It moves focus only when the user's focus was lost that way: focus the user took elsewhere is left alone.
 */
export function useFocusRescue(
  container: RefObject<HTMLElement | null>,
  { enabled = true, fallback }: FocusRescueOptions = {},
): void {
  /** The element in the container that has focus (or had it, until the re-render that took it away). */
  const last = useRef<HTMLElement | null>(null);
  /** The container's focusable elements after the previous render, to find a lost element's neighbours. */
  const before = useRef<HTMLElement[]>([]);
  const fallbackRef = useRef(fallback);
  fallbackRef.current = fallback;

  /** The container the listeners are on (it can change: a menu's list is a new element each time it opens). */
  const bound = useRef<HTMLElement | null>(null);
  const listeners = useRef({
    focusin: (event: FocusEvent) => {
      if (event.target instanceof HTMLElement) last.current = event.target;
    },
    focusout: (event: FocusEvent) => {
      const to = event.relatedTarget;
      if (to instanceof Node && bound.current?.contains(to)) return;
      if (to !== null) {
        last.current = null;
        return;
      }
      // Focus went nowhere: a re-render is taking the element away or turning it off (the browser says so while the
      // element is still there; the rescue runs after that render), the window lost focus (focus comes back to the
      // element by itself), or the user clicked outside anything focusable. Only the last lets go, once the render
      // is over and the element is still there and usable.
      const from = event.target as Element | null;
      window.setTimeout(() => {
        if (last.current === from && usable(from) && document.activeElement !== from && document.hasFocus()) {
          last.current = null;
        }
      }, 0);
    },
  });
  const bind = (root: HTMLElement | null) => {
    if (bound.current === root) return;
    const { focusin, focusout } = listeners.current;
    bound.current?.removeEventListener('focusin', focusin);
    bound.current?.removeEventListener('focusout', focusout);
    root?.addEventListener('focusin', focusin);
    root?.addEventListener('focusout', focusout);
    bound.current = root;
  };
  useEffect(
    () => () => {
      const { focusin, focusout } = listeners.current;
      bound.current?.removeEventListener('focusin', focusin);
      bound.current?.removeEventListener('focusout', focusout);
      bound.current = null;
    },
    [],
  );

  // After every render: was the focused element taken away by it?
  useLayoutEffect(() => {
    const root = enabled ? container.current : null;
    if (root && bound.current !== root && root.contains(document.activeElement)) {
      last.current = document.activeElement as HTMLElement;
    }
    bind(root);
    if (!root) {
      last.current = null;
      before.current = [];
      return;
    }
    const lost = last.current;
    if (lost && !usable(lost)) {
      const active = document.activeElement;
      last.current = null;
      if (active === null || active === document.body || active === lost) {
        const fallbackEl = fallbackRef.current?.();
        const tries = [...candidates(root, lost, before.current), ...(fallbackEl ? [fallbackEl] : [])];
        for (const el of tries) {
          el.focus({ preventScroll: true });
          if (document.activeElement === el) {
            last.current = root.contains(el) ? el : null;
            break;
          }
        }
      }
    }
    before.current = usableWithin(root);
  });
}
