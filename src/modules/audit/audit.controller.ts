import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { Permit } from '../../core/auth/permissions';
import { IsStrictDate } from '../../core/http/dates';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { PageQuery } from '../../core/http/pagination';
import { AuditService } from './audit.service';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsStrictDate({ dateTime: true }) from?: string;
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z' }) @IsOptional() @IsStrictDate({ dateTime: true }) to?: string;
  @ApiPropertyOptional({ example: 'T00001A' }) @IsOptional() @IsString() @MaxLength(128) loginId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() holderId?: string;
  @ApiPropertyOptional({ example: 'transfers', description: 'part of "METHOD /route"' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
}

@ApiTags('audit / 監査ログ')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit-events')
  @Permit('secretariat')
  @ApiOperation({ summary: 'The audit trail, newest first; filter by time range, login, holder, action' })
  list(@Query() query: AuditQuery) {
    return this.audit.list(query);
  }

  @Get('audit-events.xlsx')
  @Permit('secretariat')
  @ApiOperation({ summary: 'The filtered audit trail as an Excel workbook (up to 10,000 events)' })
  async export(@Query() query: AuditQuery, @Res() res: Response) {
    const file = await this.audit.workbook(query);
    sendDownload(res, file, XLSX_MEDIA_TYPE, 'audit-events.xlsx');
  }
}
