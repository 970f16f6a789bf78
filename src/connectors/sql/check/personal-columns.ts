import type { ColumnInfo } from '../connection/index.js';

/** Name parts that suggest personal data. */
const personalWords = new Set([
  'email',
  'mail',
  'emailaddress',
  'phone',
  'phone1',
  'phone2',
  'mobile',
  'tel',
  'telephone',
  'fax',
  'ip',
  'ipaddress',
  'ipaddr',
  'lastip',
  'remoteip',
  'address',
  'street',
  'city',
  'postcode',
  'postalcode',
  'zip',
  'zipcode',
  'name',
  'firstname',
  'lastname',
  'middlename',
  'surname',
  'fullname',
  'username',
  'nickname',
  'displayname',
  'alternatename',
  'birth',
  'birthday',
  'birthdate',
  'dob',
  'ssn',
  'passport',
  'iban',
  'password',
  'latitude',
  'longitude',
  'skype',
]);

/** The words of a column name: `lastIp` and `last_ip` both give `last`, `ip` (and the whole `lastip`). */
export function nameWords(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  return [...words, name.toLowerCase().replace(/[^a-z0-9]/g, '')];
}

/** Why a column's name looks like personal data, or undefined. */
export function personalByName(column: Pick<ColumnInfo, 'name'>): string | undefined {
  const hit = nameWords(column.name).find((w) => personalWords.has(w));
  return hit ? `its name looks personal (${hit})` : undefined;
}

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** Whether a sampled value holds an email address. */
export function looksLikeEmail(value: unknown): boolean {
  if (typeof value === 'string') return emailPattern.test(value);
  if (Buffer.isBuffer(value)) return emailPattern.test(value.toString('utf8'));
  return false;
}

/** Whether a value is exactly an email address (not a text that mentions one). */
export function isEmail(value: unknown): boolean {
  return typeof value === 'string' && new RegExp(`^${emailPattern.source}$`).test(value.trim());
}

/** Whether a column can hold text worth sampling. */
export function sampleable(column: ColumnInfo): boolean {
  return column.family === 'text' || column.family === 'other' || column.family === 'json';
}
