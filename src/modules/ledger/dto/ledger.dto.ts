import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const ACCOUNT_NUMBER = /^AST-[0-9]{1,12}$/;
/** JAA travel as decimal strings; whole units only. */
const WHOLE = /^[1-9][0-9]{0,17}$/;
/** t-CO2 with up to three decimals. */
const TCO2 = /^(0|[1-9][0-9]{0,16})(\.[0-9]{1,3})?$/;
const ACCOUNT_MESSAGE = { message: '$property は AST-nnnn の形式で指定してください (account number AST-nnnn)' };
const WHOLE_MESSAGE = { message: '$property は1以上の整数を文字列で指定してください (whole positive JAA as a decimal string)' };
const TCO2_MESSAGE = { message: '$property は t-CO2 の数値（小数点以下3桁まで）を文字列で指定してください (decimal string)' };

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
}

export class IssuanceDto {
  @ApiProperty() @IsUUID() targetHolderId: string;
  @ApiProperty({ example: '第2期' }) @IsString() @MinLength(1) @MaxLength(32) phase: string;
}

export class ComplianceTermsDto {
  @ApiProperty({ example: '第2期' }) @IsString() @MinLength(1) @MaxLength(32) phase: string;
  @ApiProperty({ example: '12345.678', description: 't-CO2, decimal string' }) @IsString(TCO2_MESSAGE) @Matches(TCO2, TCO2_MESSAGE) baseYearEmissions: string;
  @ApiProperty({ example: '1200', description: 't-CO2, decimal string' }) @IsString(TCO2_MESSAGE) @Matches(TCO2, TCO2_MESSAGE) reductionTarget: string;
}

export class CorrectionDto {
  @ApiProperty({ example: 'AST-1001' }) @IsString() @Matches(ACCOUNT_NUMBER, ACCOUNT_MESSAGE) accountNumber: string;

  @ApiProperty({ enum: ['credit', 'debit'], description: 'credit: from the issuance account; debit: back to it' })
  @IsIn(['credit', 'debit'])
  direction: 'credit' | 'debit';

  @ApiProperty({ example: '5' }) @IsString(WHOLE_MESSAGE) @Matches(WHOLE, WHOLE_MESSAGE) quantity: string;
  @ApiProperty({ example: '発行数量の誤りの訂正' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class PostingResult {
  @ApiProperty() transactionId: string;
  @ApiProperty({ enum: ['issuance', 'transfer', 'retirement', 'cancellation', 'offset', 'correction'] }) type: string;
  @ApiProperty({ example: 'completed' }) status: string;
  @ApiProperty() fromAccount: string;
  @ApiProperty() toAccount: string;
  @ApiProperty({ example: '100' }) quantity: string;
  @ApiProperty() createdAt: string;
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
}
