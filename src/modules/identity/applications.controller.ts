import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentActor, Permit, Public } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { UuidParam } from '../../core/http/params';
import { RateLimited } from '../../core/http/rate-limit';
import { ApplicationsService } from './applications.service';
import { ContactChangeDto } from './dto/contact-change.dto';
import {
  ApplicationCreated,
  ApplicationDetail,
  ApplicationListQuery,
  RegistrationApproved,
  RejectDto,
  TradingParticipantCreated,
} from './dto/decisions.dto';
import { RegistrationApplicationDto, TradingParticipantApplicationDto } from './dto/registration.dto';

@ApiTags('registration applications / 登録申請')
@ApiBearerAuth()
@Controller('registration-applications')
export class RegistrationApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Public()
  @RateLimited('public-applications')
  @ApiOperation({ summary: 'Submit an ASSET registration application (no login needed; rate-limited per client)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: RegistrationApplicationDto, @Req() req: Request) {
    return this.applications.submitRegistration(body, req.ip ?? null);
  }

  @Get()
  @Permit('secretariat')
  @ApiOperation({ summary: 'List registration applications (paged, newest first)' })
  list(@Query() query: ApplicationListQuery, @CurrentActor() actor: Actor) {
    return this.applications.list('registration', query, actor);
  }

  @Get(':id')
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  get(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.get('registration', id, actor);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Approve: creates the target holder, its compliance account and logins A and B' })
  @ApiOkResponse({ type: RegistrationApproved })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveRegistration(id, actor);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  reject(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @Body() body: RejectDto, @CurrentActor() actor: Actor) {
    return this.applications.reject('registration', id, body.reason, actor);
  }
}

@ApiTags('trading participants / 取引参加者')
@ApiBearerAuth()
@Controller('trading-participant-applications')
export class TradingParticipantApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Public()
  @RateLimited('public-applications')
  @ApiOperation({ summary: 'Apply to become a trading participant (no login needed; rate-limited per client)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: TradingParticipantApplicationDto, @Req() req: Request) {
    return this.applications.submitTradingParticipant(body, req.ip ?? null);
  }

  @Get()
  @Permit('secretariat')
  list(@Query() query: ApplicationListQuery, @CurrentActor() actor: Actor) {
    return this.applications.list('trading_participant', query, actor);
  }

  @Get(':id')
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  get(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.get('trading_participant', id, actor);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Approve: creates the participant, its holding account and its login' })
  @ApiOkResponse({ type: TradingParticipantCreated })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveTradingParticipant(id, actor);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  reject(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @Body() body: RejectDto, @CurrentActor() actor: Actor) {
    return this.applications.reject('trading_participant', id, body.reason, actor);
  }
}

@ApiTags('trading participants / 取引参加者')
@ApiBearerAuth()
@Controller('trading-participants')
export class TradingParticipantsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Permit('secretariat')
  @ApiOperation({ summary: 'The secretariat registers a trading participant directly' })
  @ApiCreatedResponse({ type: TradingParticipantCreated })
  register(@Body() body: TradingParticipantApplicationDto) {
    return this.applications.registerTradingParticipant(body);
  }
}

@ApiTags('contact changes / 連絡先変更申請')
@ApiBearerAuth()
@Controller('contact-change-applications')
export class ContactChangeApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Permit('holder_a')
  @ApiOperation({ summary: 'Login A applies to change the contact details (not the legal name)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: ContactChangeDto, @CurrentActor() actor: Actor) {
    return this.applications.submitContactChange(actor, body);
  }

  @Get()
  @Permit('secretariat', 'holder_a')
  list(@Query() query: ApplicationListQuery, @CurrentActor() actor: Actor) {
    return this.applications.list('contact_change', query, actor);
  }

  @Get(':id')
  @Permit('secretariat', 'holder_a')
  @ApiOkResponse({ type: ApplicationDetail })
  get(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.get('contact_change', id, actor);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveContactChange(id, actor);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOkResponse({ type: ApplicationDetail })
  reject(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @Body() body: RejectDto, @CurrentActor() actor: Actor) {
    return this.applications.reject('contact_change', id, body.reason, actor);
  }
}
