import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * The outbox: one row per message, written in the transaction of the change that causes it.
 * `event_key` is unique (an event raised twice yields one message); `message_id` is fixed at
 * enqueue, so a resend after a crash carries the same Message-ID. Subject and body are rendered
 * from the event's template and payload (at enqueue, or at dispatch for rows written by SQL).
 */
@Entity('notifications')
// The dispatcher's queue, oldest first: only messages still to send are in it, so claiming stays
// cheap however many were sent before (an index over all rows made it walk past every sent one).
@Index('ix_notifications_unsent', ['createdAt'], { where: `"status" IN ('pending', 'sending')` })
@Index('uq_notifications_event_key', ['eventKey'], { unique: true })
@Check('ck_notifications_status', `"status" IN ('pending','sending','sent','failed')`)
@Check('ck_notifications_recipients', `cardinality("recipients") > 0`)
export class Notification {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_notifications' })
  id: string;

  /** What happened, e.g. `registration.approved`: names the template. */
  @Column({ type: 'varchar', length: 64 })
  event: string;

  @Column({ name: 'event_key', type: 'varchar', length: 200 })
  eventKey: string;

  @Column({ type: 'text', array: true })
  recipients: string[];

  @Column({ type: 'jsonb', default: () => `'{}'` })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 300, nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: NotificationStatus;

  @Column({ name: 'message_id', type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** While `sending`: the claim expires then, and another dispatcher may resend. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'subject_type', type: 'varchar', length: 32, nullable: true })
  subjectType: string | null;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
