import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Type } from 'class-transformer';
import { REPORT_ACTIONS } from '../transitions';

export class TransitionDto {
  @ApiProperty({ enum: REPORT_ACTIONS.filter((a) => a !== 'upload') })
  @IsIn(REPORT_ACTIONS.filter((a) => a !== 'upload'))
  action: string;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class ReviewDocumentDto {
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class TemplateQuery {
  @ApiPropertyOptional({ description: 'prefill the header for this report' }) @IsOptional() @IsUUID() reportId?: string;
}

export class YearQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() year?: number;
}

