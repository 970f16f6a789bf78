/**
 * Query parameters whose values say how to list or filter, never who: they are logged as they are. Any other
 * parameter (a search, an email, a subject id, an actor, a cursor naming a row) is logged by name only.
 */
const plainParameters = new Set([
  'limit',
  'offset',
  'sort',
  'order',
  'status',
  'kind',
  'origin',
  'type',
  'format',
  'days',
  'from',
  'to',
  'legacy',
  'dryRun',
  'action',
  'targetType',
]);

/**
 * A request's URL as the request log shows it: a download's token is replaced by `<token>`, and the value of each
 * query parameter that may hold personal data (a search for someone's email address, say) by `<redacted>`, so that
 * the logs, which outlive any erasure, hold neither.
 */
export function logUrl(url: string): string {
  const path = url.replace(/\/downloads\/[^/?]+/, '/downloads/<token>');
  const at = path.indexOf('?');
  if (at === -1) return path;
  const parts = path
    .slice(at + 1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        return '<redacted>';
      }
      if (plainParameters.has(name)) return part;
      // A name is the client's to choose: one that is not a plain identifier (an address, say) goes too.
      if (eq === -1 || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) return '<redacted>';
      return `${rawName}=<redacted>`;
    });
  return `${path.slice(0, at)}?${parts.join('&')}`;
}
