import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TargetHolder } from './target-holder.entity';
import { TradingParticipant } from './trading-participant.entity';
import { Verifier } from './verifier.entity';
import type { Role } from '../../../core/auth/roles';

@Entity('logins')
@Index('uq_logins_login_id', ['loginId'], { unique: true })
@Check(
  'ck_logins_role',
  `"role" IN ('secretariat','holder_a','holder_b','verifier','trading_participant','prtr_filer','prtr_local_gov','prtr_ministry')`,
)
@Check('ck_logins_status', `"status" IN ('active','disabled')`)
@Check('ck_logins_failed_attempts', `"failed_attempts" >= 0`)
@Check('ck_logins_holder', `("role" IN ('holder_a','holder_b')) = ("target_holder_id" IS NOT NULL)`)
@Check('ck_logins_verifier', `("role" = 'verifier') = ("verifier_id" IS NOT NULL)`)
@Check('ck_logins_trading_participant', `("role" = 'trading_participant') = ("trading_participant_id" IS NOT NULL)`)
@Index('uq_logins_holder_role', ['targetHolderId', 'role'], { unique: true, where: '"target_holder_id" IS NOT NULL' })
@Index('uq_logins_trading_participant', ['tradingParticipantId'], { unique: true, where: '"trading_participant_id" IS NOT NULL' })
@Index('ix_logins_verifier', ['verifierId'])
@Check('ck_logins_prtr_filer', `("role" = 'prtr_filer') = ("prtr_business_id" IS NOT NULL)`)
@Check('ck_logins_prtr_local_gov', `("role" = 'prtr_local_gov') = ("prtr_prefecture_code" IS NOT NULL)`)
@Check('ck_logins_prtr_ministry', `("role" = 'prtr_ministry') = ("prtr_minister_code" IS NOT NULL)`)
@Index('uq_logins_prtr_business', ['prtrBusinessId'], { unique: true, where: '"prtr_business_id" IS NOT NULL' })
export class Login {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_logins' })
  id: string;

  @Column({ name: 'login_id', type: 'varchar', length: 64 })
  loginId: string;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword: boolean;

  /** Bumped on every password change: tokens carrying an older version are refused. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ name: 'failed_attempts', type: 'integer', default: 0 })
  failedAttempts: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Created from the operator's bootstrap settings (exempt from the first-login password change). */
  @Column({ name: 'is_bootstrap', type: 'boolean', default: false })
  isBootstrap: boolean;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: 'active' | 'disabled';

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt: Date | null;

  @ManyToOne(() => TargetHolder, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_logins_target_holder' })
  targetHolder?: TargetHolder | null;
  @Column({ name: 'target_holder_id', type: 'uuid', nullable: true })
  targetHolderId: string | null;

  @ManyToOne(() => Verifier, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'verifier_id', foreignKeyConstraintName: 'fk_logins_verifier' })
  verifier?: Verifier | null;
  @Column({ name: 'verifier_id', type: 'uuid', nullable: true })
  verifierId: string | null;

  @ManyToOne(() => TradingParticipant, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trading_participant_id', foreignKeyConstraintName: 'fk_logins_trading_participant' })
  tradingParticipant?: TradingParticipant | null;
  @Column({ name: 'trading_participant_id', type: 'uuid', nullable: true })
  tradingParticipantId: string | null;

  /** Where a PRTR officer's notices go (filers' notices go to their business's contact person). */
  @Column({ name: 'contact_email', type: 'varchar', length: 254, nullable: true })
  contactEmail: string | null;

  /** PRTR filer: the business it files for. */
  @ManyToOne('PrtrBusiness', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prtr_business_id', foreignKeyConstraintName: 'fk_logins_prtr_business' })
  prtrBusiness?: unknown;
  @Column({ name: 'prtr_business_id', type: 'uuid', nullable: true })
  prtrBusinessId: string | null;

  /** PRTR local-government officer: the one prefecture it serves. */
  @ManyToOne('PrtrPrefecture', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prtr_prefecture_code', foreignKeyConstraintName: 'fk_logins_prtr_prefecture' })
  prtrPrefecture?: unknown;
  @Column({ name: 'prtr_prefecture_code', type: 'varchar', length: 2, nullable: true })
  prtrPrefectureCode: string | null;

  /** PRTR ministry officer: the one minister it serves. */
  @ManyToOne('PrtrMinister', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prtr_minister_code', foreignKeyConstraintName: 'fk_logins_prtr_minister' })
  prtrMinister?: unknown;
  @Column({ name: 'prtr_minister_code', type: 'varchar', length: 8, nullable: true })
  prtrMinisterCode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
