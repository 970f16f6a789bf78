import type { ReactNode } from 'react';
import { NewLabel } from './badge';

export interface PickerItem {
  key: string;
  title: string;
  help?: string;
  /** Shown disabled, with this reason, when set. */
  disabledReason?: string | null;
  isNew?: boolean;
}

export interface PickerGroup {
  key: string;
  label: string;
  items: PickerItem[];
}

interface ItemPickerProps {
  groups: PickerGroup[];
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
  /** Something after each item's label, such as its erase mode. */
  renderExtra?: (item: PickerItem, checked: boolean) => ReactNode;
  /** The API's error about the items, shown above them. */
  error?: string | undefined;
  /** Counts after the title ("12 records"). */
  renderCount?: (item: PickerItem) => ReactNode;
}

/**
 * Items grouped by component, each group a fieldset with Select all / Deselect all; disabled items say why, and
 * items added since the type was saved carry the New label.
 */
export function ItemPicker({ groups, selected, onChange, renderExtra, error, renderCount }: ItemPickerProps) {
  const enabled = (items: PickerItem[]) => items.filter((i) => !i.disabledReason).map((i) => i.key);
  const all = groups.flatMap((g) => enabled(g.items));
  const setMany = (keys: string[], on: boolean) => {
    const next = new Set(selected);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    onChange(next);
  };
  const toggle = (key: string, on: boolean) => setMany([key], on);
  const chosen = all.filter((k) => selected.has(k)).length;
  return (
    <div className="item-picker">
      <div className="item-picker-toolbar">
        <span className="muted" aria-live="polite">
          {chosen} of {all.length} items selected
        </span>
        <button type="button" className="button button-link" onClick={() => setMany(all, true)}>
          Select all
        </button>
        <button type="button" className="button button-link" onClick={() => setMany(all, false)}>
          Deselect all
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {groups.map((group) => {
        const keys = enabled(group.items);
        return (
          <fieldset key={group.key} className="item-group">
            <legend>
              {group.label} <span className="muted small">({group.key})</span>
            </legend>
            <div className="item-group-actions">
              <button
                type="button"
                className="button button-link"
                onClick={() => setMany(keys, true)}
                disabled={keys.length === 0}
                aria-label={`Select all in ${group.label}`}
              >
                Select all
              </button>
              <button
                type="button"
                className="button button-link"
                onClick={() => setMany(keys, false)}
                disabled={keys.length === 0}
                aria-label={`Deselect all in ${group.label}`}
              >
                Deselect all
              </button>
            </div>
            <ul className="item-list">
              {group.items.map((item) => {
                const disabled = Boolean(item.disabledReason);
                const checked = !disabled && selected.has(item.key);
                const id = `pick-${item.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
                return (
                  <li key={item.key} className={`item-row${disabled ? ' item-row-disabled' : ''}`}>
                    <input
                      id={id}
                      type="checkbox"
                      checked={checked}
                      disabled={disabled}
                      onChange={(e) => toggle(item.key, e.target.checked)}
                      aria-describedby={disabled ? `${id}-reason` : item.help ? `${id}-help` : undefined}
                    />
                    <div className="item-row-main">
                      <label htmlFor={id}>
                        {item.title} {item.isNew ? <NewLabel /> : null}
                      </label>
                      <span className="muted small code">{item.key}</span>
                      {renderCount ? <span className="item-count">{renderCount(item)}</span> : null}
                      {disabled ? (
                        <p className="item-reason" id={`${id}-reason`}>
                          {item.disabledReason}
                        </p>
                      ) : item.help ? (
                        <p className="muted small" id={`${id}-help`}>
                          {item.help}
                        </p>
                      ) : null}
                    </div>
                    {renderExtra ? <div className="item-row-extra">{renderExtra(item, checked)}</div> : null}
                  </li>
                );
              })}
            </ul>
          </fieldset>
        );
      })}
    </div>
  );
}
