import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * The outcome of a request sent with an Idempotency-Key, success or failure, so that a replay
 * answers the same and writes nothing. Keys are per initiating login.
 */
@Entity('ledger_idempotency_keys')
export class IdempotencyRecord {
  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'initiator_id', foreignKeyConstraintName: 'fk_ledger_idempotency_keys_initiator' })
  initiator?: unknown;
  @PrimaryColumn({ name: 'initiator_id', type: 'uuid', primaryKeyConstraintName: 'pk_ledger_idempotency_keys' })
  initiatorId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 128, primaryKeyConstraintName: 'pk_ledger_idempotency_keys' })
  idempotencyKey: string;

  /** sha256 of the request (operation and body): another body under the same key is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** ledger_post()'s result: {ok, code, ...}. */
  @Column({ type: 'jsonb' })
  result: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
