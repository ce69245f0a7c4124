import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Login } from './login.entity';

/** Every login attempt, successful or not, kept for the audit of access. */
@Entity('login_attempts')
@Index('ix_login_attempts_login_id_at', ['attemptedLoginId', 'attemptedAt'])
@Check('ck_login_attempts_outcome', `"outcome" IN ('success','invalid_credentials','locked','disabled','in_progress')`)
export class LoginAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_login_attempts' })
  id: string;

  /** What was typed, whether or not such a login exists. */
  @Column({ name: 'attempted_login_id', type: 'varchar', length: 128 })
  attemptedLoginId: string;

  @ManyToOne(() => Login, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'login_uuid', foreignKeyConstraintName: 'fk_login_attempts_login' })
  login: Login | null;

  @Column({ name: 'login_uuid', type: 'uuid', nullable: true })
  loginUuid: string | null;

  @Column({ type: 'varchar', length: 32 })
  outcome: 'success' | 'invalid_credentials' | 'locked' | 'disabled' | 'in_progress';

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt: Date;
}
