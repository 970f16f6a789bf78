import { type KeyboardEvent, useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useFocusRescue } from '../hooks/use-focus-rescue';

export interface MenuAction {
  label: string;
  /**
   * What names the item across re-renders (the label by default): focus stays on it when a refresh changes it,
   * even into another element (a disabled Download that becomes a link).
   */
  id?: string;
  onSelect?: () => void;
  /** A link instead of an action (a download). */
  href?: string;
  download?: boolean;
  /** Shown greyed, with the reason under it. */
  disabled?: boolean;
  reason?: string | undefined;
  danger?: boolean;
  /** Left out of the menu entirely. */
  hidden?: boolean;
}

interface OptionsMenuProps {
  /** The button's accessible name, such as "Options for Sarah Stanley". */
  label: string;
  items: MenuAction[];
  /** The visible button text ("Options" by default). */
  text?: string;
  variant?: 'icon' | 'button';
}

/**
 * The Options menu (a menu button): arrow keys, Home and End move between items, Enter or Space picks one,
 * Escape closes it and returns focus to the button. Disabled items stay readable, with their reason.
 *
 * On a live page the items change under an open menu (an export ends: Download turns on, Cancel goes). The menu
 * stays open and beside its button, focus stays on the same item (by its id), and when that item goes, focus moves
 * to the item now in its place or a neighbour, or to the button: never to the page.
 */
export function OptionsMenu({ label, items, text = 'Options', variant = 'button' }: OptionsMenuProps) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const visible = items.filter((item) => !item.hidden);
  /** Set when the menu opens: its first item takes focus once the menu is placed (and so can hold focus). */
  const focusFirst = useRef(false);
  useFocusRescue(menuRef, { enabled: open, fallback: () => buttonRef.current });

  const openMenu = useCallback(() => {
    focusFirst.current = true;
    setOpen(true);
  }, []);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    setPosition(null);
    if (refocus) buttonRef.current?.focus();
  }, []);

  /** Places the menu under its button (or above it, near the bottom of the window). */
  const place = useCallback(() => {
    const button = buttonRef.current;
    const menu = menuRef.current;
    if (!button || !menu) return;
    const rect = button.getBoundingClientRect();
    const height = menu.offsetHeight;
    const width = menu.offsetWidth;
    const below = rect.bottom + 4;
    const top = below + height > window.innerHeight - 8 ? Math.max(8, rect.top - height - 4) : below;
    const left = Math.min(Math.max(8, rect.right - width), window.innerWidth - width - 8);
    setPosition((was) => (was && was.top === top && was.left === left ? was : { top, left }));
  }, []);

  // After every render while open: place the menu again (a refresh may move the button or change the items), and,
  // once it is placed (while it is measured it is hidden and can't take focus), focus its first item.
  useLayoutEffect(() => {
    if (!open) return;
    if (visible.length === 0) {
      // Every item went away: nothing to choose from (focus, if it was in the menu, is on the button now).
      close(false);
      return;
    }
    place();
    if (position && focusFirst.current) {
      focusFirst.current = false;
      menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true });
    }
  });

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    // Scrolling or resizing moves the menu with its button, and closes it once the button is out of sight.
    const onMove = () => {
      const rect = buttonRef.current?.getBoundingClientRect();
      if (!rect || rect.bottom < 0 || rect.top > window.innerHeight) close(false);
      else place();
    };
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('resize', onMove);
    window.addEventListener('scroll', onMove, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('resize', onMove);
      window.removeEventListener('scroll', onMove, true);
    };
  }, [open, close, place]);

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    const focusAt = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusAt(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(entries.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
      default:
        break;
    }
  };

  const pick = (item: MenuAction) => {
    if (item.disabled) return;
    close(true);
    item.onSelect?.();
  };

  return (
    <span className="menu">
      <button
        ref={buttonRef}
        type="button"
        className={
          variant === 'icon' ? 'icon-button menu-button' : 'button button-secondary button-small menu-button'
        }
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={variant === 'icon' ? label : undefined}
        onClick={() => (open ? close(false) : openMenu())}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            openMenu();
          }
        }}
      >
        {variant === 'icon' ? <span aria-hidden="true">⋮</span> : text}
        {variant === 'button' && label !== text ? (
          <span className="visually-hidden">
            {label.startsWith(`${text} `) ? label.slice(text.length) : `: ${label}`}
          </span>
        ) : null}
        {variant === 'button' ? (
          <span className="menu-caret" aria-hidden="true">
            ▾
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          className={`menu-list${position ? '' : ' menu-measuring'}`}
          style={position ? { top: position.top, left: position.left } : undefined}
          onKeyDown={onMenuKeyDown}
        >
          {visible.map((item) => {
            const key = item.id ?? item.label;
            const reasonId =
              item.disabled && item.reason ? `${menuId}-${key.replace(/\W+/g, '-')}` : undefined;
            const className = `menu-item${item.danger ? ' menu-item-danger' : ''}${item.disabled ? ' menu-item-disabled' : ''}`;
            return (
              <div key={key} role="none">
                {item.href && !item.disabled ? (
                  <a
                    role="menuitem"
                    tabIndex={-1}
                    data-focus-key={key}
                    className={className}
                    href={item.href}
                    download={item.download ? '' : undefined}
                    onClick={() => close(false)}
                  >
                    {item.label}
                  </a>
                ) : (
                  <button
                    type="button"
                    role="menuitem"
                    tabIndex={-1}
                    data-focus-key={key}
                    className={className}
                    aria-disabled={item.disabled ? true : undefined}
                    aria-describedby={reasonId}
                    onClick={() => pick(item)}
                  >
                    <span>{item.label}</span>
                    {reasonId ? (
                      <span className="menu-reason" id={reasonId}>
                        {item.reason}
                      </span>
                    ) : null}
                  </button>
                )}
              </div>
            );
          })}
        </div>
      ) : null}
    </span>
  );
}
