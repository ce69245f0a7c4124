import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Permit } from '../../core/auth/permissions';
import { PageQuery } from '../../core/http/pagination';
import { NotificationsService } from './notifications.service';

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'sending', 'sent', 'failed'])
  status?: string;

  @ApiPropertyOptional({ example: 'report.send_back' }) @IsOptional() @IsString() @MaxLength(64) event?: string;
}

@ApiTags('notifications / 通知')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Permit('secretariat')
  @ApiOperation({ summary: 'The outbox: recipients, subject, event, status (paged)' })
  list(@Query() query: NotificationQuery) {
    return this.notifications.list(query);
  }
}
