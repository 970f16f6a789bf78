import type { Engine } from '../../engine/engine.js';
import { exportReadyMessage, notify } from '../../engine/notifications/index.js';
import { getRequest } from '../../engine/requests/index.js';
import { getSubject } from '../../engine/subjects/index.js';
import { getExportType } from '../../engine/types/index.js';

/**
 * Tells a subject that their export is ready, with the download link of this server (the link only works for
 * them once they are logged in). A subject without an email address gets nothing.
 */
export function exportReadyNotifier(publicUrl: string) {
  const base = publicUrl.replace(/\/+$/, '');
  return async (engine: Engine, requestId: number, subjectId: string): Promise<void> => {
    const subject = await getSubject(engine, subjectId);
    if (subject.email === '') return;
    const request = await getRequest(engine, requestId);
    const type =
      request.exportTypeId === null
        ? undefined
        : await getExportType(engine, request.exportTypeId).catch(() => undefined);
    const link = request.downloadToken ? `${base}/api/v1/downloads/${request.downloadToken}` : base;
    await notify(
      engine,
      exportReadyMessage(
        subject,
        {
          id: request.id,
          createdAt: request.createdAt,
          expiresAt: request.package?.expiresAt ?? null,
          ...(type ? { typeName: type.name } : {}),
        },
        `Log in at ${base} to download it, or open this link once you are logged in:\n${link}`,
      ),
    );
  };
}
