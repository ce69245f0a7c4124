import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 取引参加者: holds a holding account and trades JAA; no emissions duties. */
@Entity('trading_participants')
@Index('uq_trading_participants_number', ['participantNumber'], { unique: true })
export class TradingParticipant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_trading_participants' })
  id: string;
  @Column({ name: 'participant_number', type: 'varchar', length: 16 })
  participantNumber: string;
  @Column({ type: 'varchar', length: 200 })
  name: string;
  @Column({ name: 'name_kana', type: 'varchar', length: 400 })
  nameKana: string;
  @Column({ name: 'account_name', type: 'varchar', length: 200 })
  accountName: string;
  @Column({ name: 'contact_department', type: 'varchar', length: 200 })
  contactDepartment: string;
  @Column({ name: 'contact_name', type: 'varchar', length: 100 })
  contactName: string;
  @Column({ name: 'contact_name_kana', type: 'varchar', length: 200 })
  contactNameKana: string;
  @Column({ name: 'contact_postal_code', type: 'varchar', length: 8 })
  contactPostalCode: string;
  @Column({ name: 'contact_address', type: 'varchar', length: 300 })
  contactAddress: string;
  @Column({ name: 'contact_phone', type: 'varchar', length: 20 })
  contactPhone: string;
  @Column({ name: 'contact_email', type: 'varchar', length: 254 })
  contactEmail: string;
  @Column({ name: 'disclosure_consent', type: 'boolean' })
  disclosureConsent: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
