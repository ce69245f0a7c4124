import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The audit trail: every state-changing request, refused ones included. Append-only; sealed into
 * a hash chain as they are written by audit_append(); a posting's event, written unsealed with the
 * posting by ledger_post_batch(), and older unsealed rows by audit_seal() (seq = position in the
 * chain). Checked by `npm run audit:verify`.
 */
@Entity('audit_events')
@Index('ix_audit_events_at', ['at'])
@Index('ix_audit_events_login', ['loginUuid', 'at'])
@Index('ix_audit_events_holder', ['targetHolderId', 'at'])
@Index('uq_audit_events_seq', ['seq'], { unique: true, where: '"seq" IS NOT NULL' })
@Index('ix_audit_events_unsealed', ['id'], { where: '"hash" IS NULL' })
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_audit_events' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  @ManyToOne('Login', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'login_uuid', foreignKeyConstraintName: 'fk_audit_events_login' })
  login?: unknown;
  @Column({ name: 'login_uuid', type: 'uuid', nullable: true })
  loginUuid: string | null;

  @Column({ name: 'login_id', type: 'varchar', length: 128, nullable: true })
  loginId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role: string | null;

  /** METHOD and route pattern, e.g. `POST /api/v1/transfers`. */
  @Column({ type: 'varchar', length: 200 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 128, nullable: true })
  targetId: string | null;

  @Column({ name: 'target_holder_id', type: 'uuid', nullable: true })
  targetHolderId: string | null;

  /** `ok` or the error code answered. */
  @Column({ type: 'varchar', length: 64 })
  outcome: string;

  @Column({ type: 'integer' })
  status: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  /** A small summary of the request (secrets redacted). */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  summary: Record<string, unknown>;

  @Column({ type: 'bigint', nullable: true })
  seq: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64, nullable: true })
  prevHash: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  hash: string | null;
}
