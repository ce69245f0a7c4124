import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface CoBusiness {
  name: string;
  nameKana: string;
}

/** 目標保有者: one facility, a representative business and its co-businesses. */
@Entity('target_holders')
@Index('uq_target_holders_holder_number', ['holderNumber'], { unique: true })
@Check('ck_target_holders_facility_type', `"facility_type" IN ('factory','business_site')`)
@Check('ck_target_holders_participation_form', `"participation_form" IN ('single','group')`)
@Check('ck_target_holders_postal_code', `"contact_postal_code" ~ '^[0-9]{3}-[0-9]{4}$'`)
export class TargetHolder {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_target_holders' })
  id: string;

  /** Readable number (e.g. T00001); the logins are this number + A / B. */
  @Column({ name: 'holder_number', type: 'varchar', length: 16 })
  holderNumber: string;

  @Column({ name: 'representative_name', type: 'varchar', length: 200 })
  representativeName: string;
  @Column({ name: 'representative_name_kana', type: 'varchar', length: 400 })
  representativeNameKana: string;
  @Column({ name: 'representative_person_name', type: 'varchar', length: 100 })
  representativePersonName: string;
  @Column({ name: 'representative_person_name_kana', type: 'varchar', length: 200 })
  representativePersonNameKana: string;

  @Column({ name: 'co_businesses', type: 'jsonb', default: () => `'[]'` })
  coBusinesses: CoBusiness[];

  @Column({ name: 'contact_company', type: 'varchar', length: 200 })
  contactCompany: string;
  @Column({ name: 'contact_department', type: 'varchar', length: 200 })
  contactDepartment: string;
  @Column({ name: 'contact_title', type: 'varchar', length: 100 })
  contactTitle: string;
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
  @Column({ name: 'contact_fax', type: 'varchar', length: 20, nullable: true })
  contactFax: string | null;
  @Column({ name: 'contact_email_a', type: 'varchar', length: 254 })
  contactEmailA: string;
  @Column({ name: 'contact_email_b', type: 'varchar', length: 254, nullable: true })
  contactEmailB: string | null;

  @Column({ name: 'disclosure_consent', type: 'boolean' })
  disclosureConsent: boolean;

  @Column({ name: 'facility_name', type: 'varchar', length: 200 })
  facilityName: string;
  @Column({ name: 'facility_name_kana', type: 'varchar', length: 400 })
  facilityNameKana: string;
  @Column({ name: 'facility_address', type: 'varchar', length: 300 })
  facilityAddress: string;
  @Column({ name: 'facility_type', type: 'varchar', length: 16 })
  facilityType: 'factory' | 'business_site';
  @Column({ name: 'participation_form', type: 'varchar', length: 16 })
  participationForm: 'single' | 'group';
  @Column({ name: 'account_name', type: 'varchar', length: 200 })
  accountName: string;
  @Column({ name: 'in_tokyo_or_saitama_scheme', type: 'boolean' })
  inTokyoOrSaitamaScheme: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
