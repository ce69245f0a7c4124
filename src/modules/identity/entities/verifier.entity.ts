import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 検証機関: registered by the secretariat, assigned to target holders. */
@Entity('verifiers')
@Index('uq_verifiers_verifier_number', ['verifierNumber'], { unique: true })
export class Verifier {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_verifiers' })
  id: string;
  @Column({ name: 'verifier_number', type: 'varchar', length: 16 })
  verifierNumber: string;
  @Column({ type: 'varchar', length: 200 })
  name: string;
  @Column({ name: 'name_kana', type: 'varchar', length: 400 })
  nameKana: string;
  @Column({ type: 'varchar', length: 254 })
  email: string;
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
