import { Body, Controller, Get, HttpCode, Post, Query, Req, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentActor, Permit, Public } from '../../core/auth/permissions';
import type { Actor, Role } from '../../core/auth/roles';
import { UuidParam } from '../../core/http/params';
import { RateLimited } from '../../core/http/rate-limit';
import { ApplicationsService } from './applications.service';
import type { ApplicationKind } from './entities/application.entity';
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

/**
 * The routes every kind of application shares: list, view, reject (secretariat; `readers` may also
 * list and view, scoped by the service to their own holder). Approval differs per kind.
 */
function DecisionRoutes(kind: ApplicationKind, readers: Role[] = ['secretariat']): Type<{ applications: ApplicationsService }> {
  abstract class Routes {
    constructor(readonly applications: ApplicationsService) {}

    @Get()
    @Permit(...readers)
    @ApiOperation({ summary: 'List (paged, newest first; filter by status)' })
    list(@Query() query: ApplicationListQuery, @CurrentActor() actor: Actor) {
      return this.applications.list(kind, query, actor);
    }

    @Get(':id')
    @Permit(...readers)
    @ApiOkResponse({ type: ApplicationDetail })
    get(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
      return this.applications.get(kind, id, actor);
    }

    @Post(':id/reject')
    @HttpCode(200)
    @Permit('secretariat')
    @ApiOperation({ summary: 'Reject with a reason (notified to the applicant)' })
    @ApiOkResponse({ type: ApplicationDetail })
    reject(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @Body() body: RejectDto, @CurrentActor() actor: Actor) {
      return this.applications.reject(kind, id, body.reason, actor);
    }
  }
  return Routes as unknown as Type<{ applications: ApplicationsService }>;
}

@ApiTags('registration applications / 登録申請')
@ApiBearerAuth()
@Controller('registration-applications')
export class RegistrationApplicationsController extends DecisionRoutes('registration') {
  constructor(applications: ApplicationsService) {
    super(applications);
  }

  @Post()
  @Public()
  @RateLimited('public-applications')
  @ApiOperation({ summary: 'Submit an ASSET registration application (no login needed; rate-limited per client)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: RegistrationApplicationDto, @Req() req: Request) {
    return this.applications.submitRegistration(body, req.ip ?? null);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Approve: creates the target holder, its compliance account and logins A and B' })
  @ApiOkResponse({ type: RegistrationApproved })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveRegistration(id, actor);
  }
}

@ApiTags('trading participants / 取引参加者')
@ApiBearerAuth()
@Controller('trading-participant-applications')
export class TradingParticipantApplicationsController extends DecisionRoutes('trading_participant') {
  constructor(applications: ApplicationsService) {
    super(applications);
  }

  @Post()
  @Public()
  @RateLimited('public-applications')
  @ApiOperation({ summary: 'Apply to become a trading participant (no login needed; rate-limited per client)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: TradingParticipantApplicationDto, @Req() req: Request) {
    return this.applications.submitTradingParticipant(body, req.ip ?? null);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Approve: creates the participant, its holding account and its login' })
  @ApiOkResponse({ type: TradingParticipantCreated })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveTradingParticipant(id, actor);
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
export class ContactChangeApplicationsController extends DecisionRoutes('contact_change', ['secretariat', 'holder_a']) {
  constructor(applications: ApplicationsService) {
    super(applications);
  }

  @Post()
  @Permit('holder_a')
  @ApiOperation({ summary: 'Login A applies to change the contact details (not the legal name)' })
  @ApiCreatedResponse({ type: ApplicationCreated })
  submit(@Body() body: ContactChangeDto, @CurrentActor() actor: Actor) {
    return this.applications.submitContactChange(actor, body);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Approve: applies the changes to the target holder' })
  @ApiOkResponse({ type: ApplicationDetail })
  approve(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.applications.approveContactChange(id, actor);
  }
}
