import type { SubjectRef } from '../../items/index.js';
import type { Message } from './message.js';

/** What the message says about the export request; any fields the caller has. */
export interface ExportReadyRequest {
  id: number | string;
  /** The export type's name. */
  typeName?: string;
  /** When it was requested (ISO). */
  createdAt?: string;
  /** When the package will be deleted (ISO). */
  expiresAt?: string | null;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function when(iso: string): string {
  return iso.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1 UTC');
}

/**
 * The email a subject gets when their export is ready. `downloadHint` says how to get it (a link to the console,
 * or the CLI command), as the caller knows best.
 */
export function exportReadyMessage(
  subject: Pick<SubjectRef, 'email' | 'fullName' | 'username'>,
  request: ExportReadyRequest,
  downloadHint: string,
): Message {
  const name = subject.fullName || subject.username;
  const lines = [
    `Hello ${name},`,
    '',
    request.createdAt
      ? `The export of your personal data that was requested on ${day(request.createdAt)} is ready.`
      : 'The export of your personal data is ready.',
    '',
    `Request: #${request.id}`,
  ];
  if (request.typeName) lines.push(`Export: ${request.typeName}`);
  if (request.expiresAt) lines.push(`Available until: ${when(request.expiresAt)}`);
  lines.push('', downloadHint.trim(), '');
  if (request.expiresAt) lines.push('After that date the file is deleted, and you can ask for a new export.');
  lines.push('If you did not ask for this export, please tell your administrator.', '');
  return { to: subject.email, subject: 'Your personal data export is ready', body: lines.join('\n') };
}
