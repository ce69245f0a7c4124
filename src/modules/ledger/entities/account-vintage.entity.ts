import Decimal from 'decimal.js';
import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Account } from './account.entity';
import { Vintage } from './vintage.entity';

/**
 * A compliance account's terms and figures in one vintage (phase): the reduction target, the
 * issuance fixed by base-year approval, the obligation fixed by target-year approval, and the JAA
 * issued and retired toward it so far (written only by the ledger functions). The commitment
 * reserve on the vintage is max(0, issued − reduction target − retired), rounded up, until the
 * vintage's reserve end.
 */
@Entity('ledger_account_vintages')
@Check('ck_ledger_account_vintages_figures', `"issued" >= 0 AND "retired" >= 0 AND "reduction_target" >= 0`)
@Check('ck_ledger_account_vintages_issuable', `"issuable" IS NULL OR "issuable" >= 0`)
@Check('ck_ledger_account_vintages_obligation', `"obligation" IS NULL OR "obligation" >= 0`)
export class AccountVintage {
  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_ledger_account_vintages_account' })
  account?: Account;
  @PrimaryColumn({ name: 'account_id', type: 'uuid', primaryKeyConstraintName: 'pk_ledger_account_vintages' })
  accountId: string;

  @ManyToOne(() => Vintage, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vintage_id', foreignKeyConstraintName: 'fk_ledger_account_vintages_vintage' })
  vintage?: Vintage;
  @PrimaryColumn({ name: 'vintage_id', type: 'integer', primaryKeyConstraintName: 'pk_ledger_account_vintages' })
  vintageId: number;

  @Column({ name: 'reduction_target', type: 'numeric', precision: 20, scale: 3, default: 0, transformer: decimalTransformer })
  reductionTarget: Decimal;

  /** floor(base-year emissions − reduction target), fixed when the base-year report is approved. */
  @Column({ type: 'numeric', precision: 20, scale: 0, nullable: true, transformer: decimalTransformer })
  issuable: Decimal | null;

  /** ceil(target-year emissions), fixed when the target-year report is approved. */
  @Column({ type: 'numeric', precision: 20, scale: 0, nullable: true, transformer: decimalTransformer })
  obligation: Decimal | null;

  @Column({ type: 'numeric', precision: 20, scale: 0, default: 0, transformer: decimalTransformer })
  issued: Decimal;

  @Column({ type: 'numeric', precision: 20, scale: 0, default: 0, transformer: decimalTransformer })
  retired: Decimal;
}
