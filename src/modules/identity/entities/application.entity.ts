import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Login } from './login.entity';
import { TargetHolder } from './target-holder.entity';
import { TradingParticipant } from './trading-participant.entity';

export type ApplicationKind = 'registration' | 'trading_participant' | 'contact_change';
export type ApplicationStatus = 'submitted' | 'approved' | 'rejected';

/**
 * Every application the secretariat decides: ASSET registration (登録申請), trading-participant
 * registration, and contact changes (連絡先変更申請). One table, one decision workflow.
 */
@Entity('applications')
@Index('ix_applications_kind_status_submitted', ['kind', 'status', 'submittedAt'])
@Index('ix_applications_target_holder', ['targetHolderId'])
@Check('ck_applications_kind', `"kind" IN ('registration','trading_participant','contact_change')`)
@Check('ck_applications_status', `"status" IN ('submitted','approved','rejected')`)
@Check('ck_applications_decision', `("status" = 'submitted') = ("decided_at" IS NULL)`)
@Check('ck_applications_reason', `("status" = 'rejected') = ("rejection_reason" IS NOT NULL)`)
@Check(
  'ck_applications_result',
  `"status" <> 'approved' OR ("kind" = 'trading_participant') = ("trading_participant_id" IS NOT NULL)`,
)
@Check('ck_applications_subject', `"kind" = 'trading_participant' OR "status" <> 'approved' OR "target_holder_id" IS NOT NULL`)
export class Application {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_applications' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: ApplicationKind;

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  status: ApplicationStatus;

  /** The application as submitted (validated DTO). */
  @Column({ type: 'jsonb' })
  body: Record<string, unknown>;

  /** A line for lists: the applicant's or holder's name. */
  @Column({ type: 'varchar', length: 300 })
  summary: string;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt: Date;

  @ManyToOne(() => Login, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'fk_applications_submitted_by' })
  submittedByLogin?: Login | null;
  @Column({ name: 'submitted_by', type: 'uuid', nullable: true })
  submittedBy: string | null;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  /** Registration: the holder created on approval. Contact change: the holder concerned. */
  @ManyToOne(() => TargetHolder, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_applications_target_holder' })
  targetHolder?: TargetHolder | null;
  @Column({ name: 'target_holder_id', type: 'uuid', nullable: true })
  targetHolderId: string | null;

  @ManyToOne(() => TradingParticipant, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trading_participant_id', foreignKeyConstraintName: 'fk_applications_trading_participant' })
  tradingParticipant?: TradingParticipant | null;
  @Column({ name: 'trading_participant_id', type: 'uuid', nullable: true })
  tradingParticipantId: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @ManyToOne(() => Login, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_applications_decided_by' })
  decidedByLogin?: Login | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;
}
