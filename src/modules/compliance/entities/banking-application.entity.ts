import Decimal from 'decimal.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Phase } from './phase.entity';

/** バンキング申請: after the retirement deadline, login A asks to keep surplus JAA; the secretariat decides. */
@Entity('banking_applications')
@Index('ix_banking_applications_holder', ['targetHolderId', 'submittedAt'])
@Check('ck_banking_applications_quantity', `"quantity" > 0 AND "quantity" = trunc("quantity")`)
@Check('ck_banking_applications_status', `"status" IN ('submitted','approved','rejected')`)
@Check('ck_banking_applications_decision', `("status" = 'submitted') = ("decided_at" IS NULL)`)
@Check('ck_banking_applications_reason', `("status" = 'rejected') = ("rejection_reason" IS NOT NULL)`)
@Check('ck_banking_applications_owner', `("target_holder_id" IS NULL) <> ("trading_participant_id" IS NULL)`)
@Index('ix_banking_applications_phase', ['phaseId', 'status'])
export class BankingApplication {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_banking_applications' })
  id: string;

  @ManyToOne(() => Phase, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'phase_id', foreignKeyConstraintName: 'fk_banking_applications_phase' })
  phase?: Phase;
  @Column({ name: 'phase_id', type: 'uuid' })
  phaseId: string;

  // The applicant: a target holder (login A) or a trading participant, exactly one.
  @ManyToOne('TargetHolder', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_banking_applications_target_holder' })
  targetHolder?: unknown;
  @Column({ name: 'target_holder_id', type: 'uuid', nullable: true })
  targetHolderId: string | null;

  @ManyToOne('TradingParticipant', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trading_participant_id', foreignKeyConstraintName: 'fk_banking_applications_trading_participant' })
  tradingParticipant?: unknown;
  @Column({ name: 'trading_participant_id', type: 'uuid', nullable: true })
  tradingParticipantId: string | null;

  /** The account whose units are banked. */
  @Column({ name: 'account_number', type: 'varchar', length: 16 })
  accountNumber: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: decimalTransformer })
  quantity: Decimal;

  /** The serial ranges marked banked at approval. */
  @Column({ type: 'jsonb', nullable: true })
  serials: { vintage: string; from: string; to: string }[] | null;

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  status: 'submitted' | 'approved' | 'rejected';

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'fk_banking_applications_submitted_by' })
  submitter?: unknown;
  @Column({ name: 'submitted_by', type: 'uuid' })
  submittedBy: string;

  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @ManyToOne('Login', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_banking_applications_decided_by' })
  decider?: unknown;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;
}
