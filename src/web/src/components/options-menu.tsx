import { type KeyboardEvent, useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';

export interface MenuAction {
  label: string;
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
 */
export function OptionsMenu({ label, items, text = 'Options', variant = 'button' }: OptionsMenuProps) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const visible = items.filter((item) => !item.hidden);

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
    setPosition({ top, left });
  }, []);

  useLayoutEffect(() => {
    if (!open) return;
    place();
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true });
  }, [open, place]);

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
        onClick={() => (open ? close(false) : setOpen(true))}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
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
            const reasonId =
              item.disabled && item.reason ? `${menuId}-${item.label.replace(/\W+/g, '-')}` : undefined;
            const className = `menu-item${item.danger ? ' menu-item-danger' : ''}${item.disabled ? ' menu-item-disabled' : ''}`;
            return (
              <div key={item.label} role="none">
                {item.href && !item.disabled ? (
                  <a
                    role="menuitem"
                    tabIndex={-1}
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
