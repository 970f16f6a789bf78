import type { PurgeTypeUsage } from '../api/types';
import { plural } from './format';

/** Why a purge type can't be deleted, or null if it can. */
export function purgeTypeInUseReason(usage: PurgeTypeUsage): string | null {
  const reasons: string[] = [];
  if (usage.subjects > 0) reasons.push(`it is assigned to ${plural(usage.subjects, 'user')}`);
  if (usage.default !== null) reasons.push(`it is the default for ${usage.default} users (see Settings)`);
  if (usage.openRequests > 0) {
    reasons.push(
      `${plural(usage.openRequests, 'pending or running purge')} ${usage.openRequests === 1 ? 'uses' : 'use'} it`,
    );
  }
  if (reasons.length === 0) return null;
  const text = reasons.length === 1 ? reasons[0] : `${reasons.slice(0, -1).join(', ')} and ${reasons.at(-1)}`;
  return `It can't be deleted: ${text}.`;
}
