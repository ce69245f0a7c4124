import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import type { Page, PageQuery } from '../../core/http/pagination';
import { paginate } from '../../core/http/pagination';
import { Notification } from './entities/notification.entity';
import { render, type Payload } from './templates';

export interface NoticeRequest {
  /** Names the template, e.g. `report.send_back`. */
  event: string;
  /** Unique per occurrence: the same key twice yields one message. */
  key: string;
  recipients: (string | null | undefined)[];
  payload: Payload;
  /** Also send to the secretariat's mailbox (approval requests, applications). */
  toSecretariat?: boolean;
  subjectType?: string;
  subjectId?: string;
}

export function newMessageId(): string {
  return `<${randomUUID()}@asset-registry>`;
}

/** Writes messages to the outbox in the caller's transaction: a message exists iff its cause committed. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async enqueue(manager: EntityManager, notice: NoticeRequest): Promise<void> {
    const all = [...notice.recipients, notice.toSecretariat ? this.config.env.SECRETARIAT_EMAIL : null];
    const recipients = [...new Set(all.filter((r): r is string => Boolean(r)))];
    if (!recipients.length) return;
    const { subject, text } = render(notice.event, notice.payload);
    await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values({
        event: notice.event,
        eventKey: notice.key.slice(0, 200),
        recipients,
        payload: notice.payload,
        subject,
        body: text,
        messageId: newMessageId(),
        subjectType: notice.subjectType ?? null,
        subjectId: notice.subjectId ?? null,
      })
      .orIgnore() // the same event key again: already queued
      .execute();
  }

  /** GET /notifications: the outbox, newest first (rows written by SQL are rendered on read). */
  async list(page: PageQuery & { status?: string; event?: string }): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(Notification).createQueryBuilder('n');
    if (page.status) qb.andWhere('n.status = :status', { status: page.status });
    if (page.event) qb.andWhere('n.event = :event', { event: page.event });
    const result = await paginate(qb, page, { timeColumn: 'n.created_at', idColumn: 'n.id', time: (n) => n.createdAt, id: (n) => n.id });
    return {
      items: result.items.map((n) => ({
        id: n.id,
        event: n.event,
        recipients: n.recipients,
        subject: n.subject ?? render(n.event, n.payload).subject,
        status: n.status,
        attempts: n.attempts,
        lastError: n.lastError,
        messageId: n.messageId,
        createdAt: n.createdAt.toISOString(),
        sentAt: n.sentAt?.toISOString() ?? null,
      })),
      nextCursor: result.nextCursor,
    };
  }
}
