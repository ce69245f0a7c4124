import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The outbox: one row per notice to send. Delivery by mail comes with the notifications module. */
@Entity('notifications')
@Index('ix_notifications_created_at', ['createdAt'])
@Check('ck_notifications_status', `"status" IN ('pending','sent','failed','not_sent')`)
@Check('ck_notifications_recipients', `cardinality("recipients") > 0`)
export class Notification {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_notifications' })
  id: string;

  /** What happened, e.g. `registration.approved`. */
  @Column({ type: 'varchar', length: 64 })
  event: string;

  @Column({ type: 'text', array: true })
  recipients: string[];

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'sent' | 'failed' | 'not_sent';

  @Column({ name: 'subject_type', type: 'varchar', length: 32, nullable: true })
  subjectType: string | null;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
