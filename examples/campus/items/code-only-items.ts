import { type Item, itemKey } from '../../../src/items/index.js';
import type { CampusDatabase } from './campus-database.js';
import { mentionItems } from './mention-items.js';

/**
 * The campus items that stay in code when the demo runs on examples/campus/dataset.yaml, each with the reason the
 * dataset file can't express its rule. Every other campus table is described in the dataset file, and these keys
 * are not in it (the registry refuses a key that two sources declare).
 */
export const codeOnlyReasons = {
  // Anonymising removes one address from other people's comma-separated CC and BCC lists, blanks whole the emails
  // the person sent or received and the system emails that quote their address, and blanks an issue description
  // that was made from one of those emails. A dataset strategy sets a whole column; it can't edit one entry of a
  // list, nor choose per row between "blank the whole email" and "drop one address".
  'helpdesk/emails':
    'Removes one address from comma-separated CC and BCC lists and blanks whole the emails that were theirs; a dataset strategy sets whole columns.',
  // The helpdesk's own "Anonymize user" action: support users only (others are skipped), matched by every address
  // they are known by, renamed "Anonymized" with a per-user username, company kept, then inactivated. It edits
  // several tables with rules that depend on the user's kind and on the email rules above.
  'helpdesk/anonymize-user':
    'The helpdesk action for support users only: renames, keeps the company, applies the email rules and inactivates the user.',
  // Which of a user's custom field values are "visible" or "hidden" depends on user_info_fields.visible, a column of
  // another table; a dataset `where` can only test the item's own table.
  'user/custom-fields-visible':
    'Split from the hidden fields by user_info_fields.visible, a column of another table; a dataset where tests only its own table.',
  'user/custom-fields-hidden':
    'Split from the visible fields by user_info_fields.visible, a column of another table; a dataset where tests only its own table.',
  // Mentions are found as whole words, case-insensitively, among the subject's name, username and email, in other
  // people's text, and redacted by replacing only each matched word; SQL LIKE can't tell whole words, and an UPDATE
  // can't replace only the matched words while leaving the rest of the text byte for byte.
  'forum/mentions':
    "Finds and redacts the user's name, username and email as whole words in other people's posts; SQL can't match or replace whole words.",
  'messages/mentions':
    "Finds and redacts the user's name, username and email as whole words in other people's messages; SQL can't match or replace whole words.",
  'blog/mentions':
    "Finds and redacts the user's name, username and email as whole words in other people's blog posts; SQL can't match or replace whole words.",
} as const;

export type CodeOnlyItemKey = keyof typeof codeOnlyReasons;

/** The items of `all` whose keys are code-only, plus the mention items (which only the code-only set has). */
export function codeOnlyItems(campus: CampusDatabase, all: readonly Item[]): Item[] {
  const keys = new Set<string>(Object.keys(codeOnlyReasons));
  const items = [...all, ...mentionItems(campus)].filter((item) => keys.has(itemKey(item)));
  const missing = [...keys].filter((key) => !items.some((item) => itemKey(item) === key));
  if (missing.length > 0) throw new Error(`The campus code-only items are missing: ${missing.join(', ')}`);
  return items;
}
