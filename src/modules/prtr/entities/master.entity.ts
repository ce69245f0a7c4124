import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** One imported substance list (政令 別表第一/第二), in force from a fiscal year until the next list. */
@Entity('prtr_substance_lists')
@Check('ck_prtr_substance_lists_fy', `"effective_from_fy" BETWEEN 2000 AND 2100`)
export class PrtrSubstanceList {
  @PrimaryColumn({ name: 'effective_from_fy', type: 'integer', primaryKeyConstraintName: 'pk_prtr_substance_lists' })
  effectiveFromFy: number;

  @Column({ type: 'varchar', length: 1000 })
  source: string;

  @Column({ name: 'class1_count', type: 'integer' })
  class1Count: number;

  @Column({ name: 'specified_count', type: 'integer' })
  specifiedCount: number;

  @Column({ name: 'class2_count', type: 'integer' })
  class2Count: number;

  @CreateDateColumn({ name: 'imported_at', type: 'timestamptz' })
  importedAt: Date;
}

/** A designated chemical substance of one list. Class II substances are listed but never filed. */
@Entity('prtr_substances')
@Check('ck_prtr_substances_class', `"class" IN ('I','II')`)
@Check('ck_prtr_substances_specified', `"class" = 'I' OR NOT "specified"`)
@Check('ck_prtr_substances_unit', `"unit" IN ('kg','mg-TEQ')`)
@Check('ck_prtr_substances_number', `"number" > 0`)
export class PrtrSubstance {
  @PrimaryColumn({ name: 'list_fy', type: 'integer', primaryKeyConstraintName: 'pk_prtr_substances' })
  listFy: number;

  @PrimaryColumn({ type: 'varchar', length: 2, primaryKeyConstraintName: 'pk_prtr_substances' })
  class: 'I' | 'II';

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_prtr_substances' })
  number: number;

  @ManyToOne(() => PrtrSubstanceList, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'list_fy', foreignKeyConstraintName: 'fk_prtr_substances_list' })
  list?: PrtrSubstanceList;

  @Column({ type: 'varchar', length: 2000 })
  name: string;

  @Column({ type: 'boolean', default: false })
  specified: boolean;

  @Column({ type: 'varchar', length: 8, default: 'kg' })
  unit: 'kg' | 'mg-TEQ';
}

/** 届出先の大臣 (METI, MHLW, …: our own short codes, see shared/data/SOURCES.md). */
@Entity('prtr_ministers')
export class PrtrMinister {
  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'pk_prtr_ministers' })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;
}

/** 業種コード with the ministers a filer of that industry may address. */
@Entity('prtr_industries')
@Check('ck_prtr_industries_code', `"code" ~ '^[0-9]{4}$'`)
@Check('ck_prtr_industries_default', `"default_minister" IS NULL OR "default_minister" = ANY ("ministers")`)
@Check('ck_prtr_industries_ministers', `cardinality("ministers") > 0`)
export class PrtrIndustry {
  @PrimaryColumn({ type: 'varchar', length: 4, primaryKeyConstraintName: 'pk_prtr_industries' })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'seirei_no', type: 'integer', nullable: true })
  seireiNo: number | null;

  @Column({ type: 'varchar', array: true })
  ministers: string[];

  @ManyToOne(() => PrtrMinister, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'default_minister', foreignKeyConstraintName: 'fk_prtr_industries_default_minister' })
  defaultMinisterRef?: PrtrMinister | null;
  @Column({ name: 'default_minister', type: 'varchar', length: 8, nullable: true })
  defaultMinister: string | null;

  @Column({ type: 'boolean', default: false })
  unconfirmed: boolean;
}

/** The 47 prefectures (JIS X 0401 codes), seeded by the migration. */
@Entity('prtr_prefectures')
@Index('uq_prtr_prefectures_name', ['name'], { unique: true })
@Check('ck_prtr_prefectures_code', `"code" ~ '^[0-9]{2}$'`)
export class PrtrPrefecture {
  @PrimaryColumn({ type: 'varchar', length: 2, primaryKeyConstraintName: 'pk_prtr_prefectures' })
  code: string;

  @Column({ type: 'varchar', length: 10 })
  name: string;

  @Column({ name: 'name_en', type: 'varchar', length: 20 })
  nameEn: string;
}
