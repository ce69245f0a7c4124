import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsStrictDate } from '../../../core/http/dates';

const TCO2 = /^(0|[1-9][0-9]{0,16})(\.[0-9]{1,3})?$/;

export class CreatePhaseDto {
  @ApiProperty({ example: '第2期' }) @IsString() @MinLength(1) @MaxLength(32) name: string;
  @ApiPropertyOptional({ example: 'P2013', description: "the vintage code of the phase's JAA (A-Z 0-9, at most 12); default P<adopted fiscal year>" })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9]{1,12}$/, { message: '$property は英大文字・数字12文字以内で指定してください (A-Z 0-9, at most 12)' })
  code?: string;
  @ApiProperty({ example: 2013 }) @IsInt() @Min(2000) @Max(2100) adoptedFiscalYear: number;
  @ApiProperty({ example: 2013, description: '設備導入年度 (base year)' }) @IsInt() @Min(2000) @Max(2100) baseFiscalYear: number;
  @ApiProperty({ example: 2014, description: '削減目標年度' }) @IsInt() @Min(2000) @Max(2100) targetFiscalYear: number;
  @ApiProperty({ example: 2015, description: '調整・自主削減年度' }) @IsInt() @Min(2000) @Max(2100) adjustmentFiscalYear: number;
  @ApiPropertyOptional({ example: '2016-11-30', description: 'a real date YYYY-MM-DD, on or after April 1 of the adjustment fiscal year; default: Nov 30 of the adjustment fiscal year (its November)' })
  @IsOptional()
  @IsStrictDate()
  retirementDeadline?: string;
  @ApiPropertyOptional({ example: 30, description: 'days after the deadline in which banking may be applied for (default 30)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  bankingWindowDays?: number;
}

export class JoinPhaseDto {
  @ApiProperty() @IsUUID() targetHolderId: string;
  @ApiProperty({ example: '1200.5', description: '削減目標量 (t-CO2), decimal string' })
  @IsString()
  @Matches(TCO2, { message: '$property は t-CO2 の数値を文字列で指定してください (decimal string)' })
  reductionTarget: string;
}

export class ExtendDeadlineDto {
  @ApiProperty({ example: '2016-12-15', description: 'the new deadline (end of that day, Japan time), later than the current one' })
  @IsStrictDate()
  retirementDeadline: string;
  @ApiProperty({ example: '災害による延長' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class ComplianceQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() phaseId?: string;
}

export class BankingApplicationDto {
  @ApiProperty() @IsUUID() phaseId: string;
  @ApiProperty({ example: '100', description: 'whole JAA as a decimal string' })
  @IsString()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: '$property は1以上の整数を文字列で指定してください (whole positive JAA)' })
  quantity: string;
}

export class BankingRejectDto {
  @ApiProperty({ example: '残高が不足しています。' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class OverviewQuery {
  @ApiPropertyOptional({ enum: ['met', 'not_met', 'pending'] }) @IsOptional() @IsIn(['met', 'not_met', 'pending']) status?: string;
  @ApiPropertyOptional({ description: 'holder number or name contains' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
}
