import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const ACCOUNT_NUMBER = /^AST-[0-9]{1,12}$/;
/** JAA travel as decimal strings; whole units only. */
const WHOLE = /^[1-9][0-9]{0,17}$/;
/** A vintage code: the phase code of its JAA (e.g. P2013). */
export const VINTAGE_CODE = /^[A-Z0-9]{1,12}$/;
const VINTAGE_MESSAGE = { message: '$property は期のコード（英大文字・数字12文字以内、例 P2013）で指定してください (a vintage code, e.g. P2013)' };
const ACCOUNT_MESSAGE = { message: '$property は AST-nnnn の形式で指定してください (account number AST-nnnn)' };
const WHOLE_MESSAGE = { message: '$property は1以上の整数を文字列で指定してください (whole positive JAA as a decimal string)' };

export class TransferDto {
  @ApiProperty({ example: 'AST-1001' }) @IsString() @Matches(ACCOUNT_NUMBER, ACCOUNT_MESSAGE) fromAccount: string;

  @ApiProperty({ example: 'AST-2', description: 'AST-2 retirement, AST-101 cancellation, AST-201 offset, else a transfer' })
  @IsString()
  @Matches(ACCOUNT_NUMBER, ACCOUNT_MESSAGE)
  toAccount: string;

  @ApiProperty({ example: '100', description: 'whole JAA as a decimal string' })
  @IsString(WHOLE_MESSAGE)
  @Matches(WHOLE, WHOLE_MESSAGE)
  quantity: string;

  @ApiPropertyOptional({ example: 'P2013', description: 'move only units of this vintage (default: oldest vintage, lowest serial first)' })
  @IsOptional()
  @IsString()
  @Matches(VINTAGE_CODE, VINTAGE_MESSAGE)
  vintage?: string;

  @ApiPropertyOptional({ description: 'retirement only: the phase it counts toward (default: the open phase with the nearest deadline whose obligation is not yet covered)' })
  @IsOptional()
  @IsUUID()
  phaseId?: string;
}

export class IssuanceDto {
  @ApiProperty() @IsUUID() targetHolderId: string;
  @ApiProperty({ description: 'the phase whose base-year approval fixed the issuance' }) @IsUUID() phaseId: string;
}

export class CorrectionDto {
  @ApiProperty({ example: 'AST-1001' }) @IsString() @Matches(ACCOUNT_NUMBER, ACCOUNT_MESSAGE) accountNumber: string;

  @ApiProperty({ enum: ['credit', 'debit'], description: 'credit: from the issuance account; debit: back to it' })
  @IsIn(['credit', 'debit'])
  direction: 'credit' | 'debit';

  @ApiProperty({ example: '5' }) @IsString(WHOLE_MESSAGE) @Matches(WHOLE, WHOLE_MESSAGE) quantity: string;

  /**
   * Refused here when blank (spaces of any width, tabs, newlines only), before the posting: the
   * ledger's own refusal (L-2003) is remembered under the Idempotency-Key like any posting's
   * outcome, so the key could not be used again for the corrected request.
   */
  @ApiProperty({ example: '発行数量の誤りの訂正', maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(/\S/, { message: '$property を入力してください（空白のみは不可） (must not be blank)' })
  reason: string;

  @ApiPropertyOptional({ example: 'P2013', description: 'credit: the vintage of the new units (required); debit: take only this vintage' })
  @IsOptional()
  @IsString()
  @Matches(VINTAGE_CODE, VINTAGE_MESSAGE)
  vintage?: string;
}

export class SerialRange {
  @ApiProperty({ example: 'P2013' }) vintage: string;
  @ApiProperty({ example: '1' }) from: string;
  @ApiProperty({ example: '1212' }) to: string;
  @ApiProperty({ description: 'banked units (valid in later phases)' }) banked: boolean;
  @ApiProperty({ example: 'JAA-P2013-000000001–000001212' }) label: string;
}

export class VintageHolding {
  @ApiProperty({ example: 'P2013' }) vintage: string;
  @ApiProperty({ example: '1212' }) quantity: string;
  @ApiProperty({ example: '0' }) banked: string;
  @ApiProperty({ example: '12' }) commitmentReserve: string;
  @ApiProperty({ description: 'the reserve on this vintage lapses after this instant' }) reserveEndsAt: string;
}

export class PostingResult {
  @ApiProperty() transactionId: string;
  @ApiProperty({ enum: ['issuance', 'transfer', 'retirement', 'cancellation', 'offset', 'correction'] }) type: string;
  @ApiProperty({ example: 'completed' }) status: string;
  @ApiProperty() fromAccount: string;
  @ApiProperty() toAccount: string;
  @ApiProperty({ example: '100' }) quantity: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'retirement: the vintage code of the phase it counts toward; issuance / expiry: the vintage' }) phase: string | null;
  @ApiProperty({ type: [SerialRange], description: 'the serial ranges moved' }) serials: SerialRange[];
  @ApiPropertyOptional({ description: 'true when this answers a replayed Idempotency-Key' }) replayed?: boolean;
}

export class AccountStatusDto {
  @ApiProperty({ enum: ['open', 'blocked', 'closed'], description: 'blocked: nothing moves in or out; closed: final, only when empty' })
  @IsIn(['open', 'blocked', 'closed'])
  status: 'open' | 'blocked' | 'closed';

  @ApiProperty({ example: '登録の取消しに伴う口座の凍結' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class AccountView {
  @ApiProperty() accountNumber: string;
  @ApiProperty() type: string;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
  @ApiProperty({ example: '1200' }) balance: string;
  @ApiProperty({ example: '200' }) commitmentReserve: string;
  @ApiProperty({ example: '1000' }) available: string;
  @ApiProperty({ type: [VintageHolding], description: 'units held per vintage, oldest first' }) holdings: VintageHolding[];
}
