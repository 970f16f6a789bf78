import type { Engine } from '../engine.js';
import { exportReadyMessage, notify } from '../notifications/index.js';
import { findSubject } from '../subjects/index.js';

/**
 * Tells the subject that their export package is ready (`notify`: SMTP when configured, else the outbox). A subject
 * without an email address is not told; a failure to send never fails the export.
 */
export async function notifyExportReady(engine: Engine, requestId: number, subjectId: string): Promise<void> {
  const subject = await findSubject(engine.db, subjectId);
  if (!subject || subject.email === '') return;
  const row = await engine.db
    .selectFrom('requests')
    .leftJoin('export_types', 'export_types.id', 'requests.export_type_id')
    .select(['requests.created_at', 'requests.expires_at', 'export_types.name'])
    .where('requests.id', '=', requestId)
    .executeTakeFirst();
  await notify(
    engine,
    exportReadyMessage(
      subject,
      {
        id: requestId,
        ...(row?.name ? { typeName: row.name } : {}),
        ...(row?.created_at ? { createdAt: row.created_at } : {}),
        expiresAt: row?.expires_at ?? null,
      },
      'Sign in to the self-service page to download it.',
    ),
  );
}
