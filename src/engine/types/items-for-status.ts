import { z } from 'zod';
import { type EraseMode, eraseModes, type ItemKey, itemKey, subjectStatuses } from '../../items/index.js';
import type { Engine } from '../engine.js';
import { parseInput } from './parse-input.js';

export type ModeAvailability = { allowed: true } | { allowed: false; reason: string };

/** One item as a purge type for a status may use it: per mode, allowed or not and why not. */
export interface ItemAvailability {
  key: ItemKey;
  group: string;
  title: string;
  /** Every mode (or only the one asked about), each allowed or with the reason it is not. */
  modes: Partial<Record<EraseMode, ModeAvailability>>;
}

const querySchema = z
  .object({ status: z.enum(subjectStatuses), mode: z.enum(eraseModes).optional() })
  .strict();

/**
 * For the purge type editor: every registered item, in catalogue order, with whether each erase mode (or only `mode`)
 * allows `status`, and the reason when it does not, so the console can show disabled items with it.
 * A bad status is LETHE_E_STATUS_INVALID; a bad mode LETHE_E_INVALID_INPUT.
 */
export function itemsForStatus(engine: Engine, status: string, mode?: string): ItemAvailability[] {
  const query = parseInput(
    querySchema,
    mode === undefined ? { status } : { status, mode },
    'Items for status',
  );
  const modes = query.mode ? [query.mode] : [...eraseModes];
  return engine.items.list().map((item) => {
    const availability: Partial<Record<EraseMode, ModeAvailability>> = {};
    for (const m of modes) {
      const capability = item.modes[m];
      if (!capability) {
        availability[m] = { allowed: false, reason: `This item can't be erased in mode "${m}".` };
      } else if (!capability.statuses.includes(query.status)) {
        availability[m] = {
          allowed: false,
          reason:
            capability.statuses.length > 0
              ? `Mode "${m}" is allowed only for ${capability.statuses.join(' and ')} subjects, not ${query.status}.`
              : `Mode "${m}" is not allowed for any subject status.`,
        };
      } else {
        availability[m] = { allowed: true };
      }
    }
    return { key: itemKey(item), group: item.group, title: item.title, modes: availability };
  });
}
