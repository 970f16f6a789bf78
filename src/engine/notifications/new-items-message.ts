import type { MessageContent } from './message.js';

/** An item that appeared after some types were last saved. */
export interface NewItemNotice {
  key: string;
  title?: string;
  group?: string;
  /** The names of the types that do not know it yet. */
  types?: readonly string[];
}

/**
 * The email administrators get when new items appear: until each type is saved again, the new items are ignored
 * by it. The caller sends it to each administrator.
 */
export function newItemsMessage(list: readonly NewItemNotice[]): MessageContent {
  const n = list.length;
  const lines = [
    n === 1
      ? 'A new kind of personal data (an item) has appeared in the catalogue:'
      : `${n} new kinds of personal data (items) have appeared in the catalogue:`,
    '',
  ];
  for (const item of list) {
    const label = item.title ? `${item.title} (${item.key})` : item.key;
    lines.push(`- ${item.group ? `${item.group}: ` : ''}${label}`);
    if (item.types && item.types.length > 0) lines.push(`  not yet in: ${item.types.join(', ')}`);
  }
  lines.push(
    '',
    'Exports and purges ignore new items until their type is saved again. Review the export and purge types,',
    'choose what to do with the new items, and save each type.',
    '',
  );
  return {
    subject: n === 1 ? 'A new item needs review' : `${n} new items need review`,
    body: lines.join('\n'),
  };
}
