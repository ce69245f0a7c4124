import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Notification } from './entities/notification.entity';

export interface NoticeRequest {
  event: string;
  recipients: (string | null | undefined)[];
  subject: string;
  body: string;
  subjectType?: string;
  subjectId?: string;
}

/** Writes notices to the outbox in the caller's transaction: a notice exists iff its cause committed. */
@Injectable()
export class NotificationsService {
  async enqueue(manager: EntityManager, notice: NoticeRequest): Promise<void> {
    const recipients = [...new Set(notice.recipients.filter((r): r is string => Boolean(r)))];
    if (!recipients.length) return;
    await manager.insert(Notification, {
      event: notice.event,
      recipients,
      subject: notice.subject,
      body: notice.body,
      subjectType: notice.subjectType ?? null,
      subjectId: notice.subjectId ?? null,
    });
  }
}
