import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, Permit } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { UuidParam } from '../../core/http/params';
import { IssuanceDto, PostingResult } from '../ledger/dto/ledger.dto';
import { IDEMPOTENCY_HEADER, IdempotencyKey, replayHeader } from '../ledger/ledger.controller';
import { BankingService } from './banking.service';
import { ComplianceService } from './compliance.service';
import {
  BankingApplicationDto,
  BankingRejectDto,
  ComplianceQuery,
  CreatePhaseDto,
  ExtendDeadlineDto,
  JoinPhaseDto,
  OverviewQuery,
} from './dto/compliance.dto';
import { OverviewService } from './overview.service';

@ApiTags('compliance / 遵守')
@ApiBearerAuth()
@Controller()
export class ComplianceController {
  constructor(
    private readonly compliance: ComplianceService,
    private readonly banking: BankingService,
    private readonly overviews: OverviewService,
  ) {}

  @Post('phases')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Define a phase (期) with its fiscal years, vintage code, retirement deadline and banking window' })
  createPhase(@Body() body: CreatePhaseDto) {
    return this.compliance.createPhase(body);
  }

  @Get('phases')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier', 'trading_participant')
  listPhases() {
    return this.compliance.listPhases();
  }

  @Post('phases/:id/participants')
  @Permit('secretariat')
  @ApiOperation({ summary: 'A target holder joins the phase with its reduction target; its three reports are created' })
  join(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @Body() body: JoinPhaseDto, @CurrentActor() actor: Actor) {
    return this.compliance.joinPhase(id, body, actor);
  }

  @Put('phases/:id/retirement-deadline')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Extend the retirement deadline before it passes, with a reason (audited, notified)' })
  extend(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @Body() body: ExtendDeadlineDto) {
    return this.compliance.extendDeadline(id, body);
  }

  @Post('phases/:id/close')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Close the phase after its banking window: standings final, unbanked units of its vintage expire to AST-101' })
  close(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.compliance.closePhase(actor, id);
  }

  @Get('phases/:id/overview')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Every holder of the phase with report statuses, figures and standing (filter by status, q)' })
  overview(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @Query() query: OverviewQuery) {
    return this.overviews.overview(id, query);
  }

  @Get('phases/:id/overview.xlsx')
  @Permit('secretariat')
  @ApiOperation({ summary: 'The same overview as an Excel workbook' })
  async overviewXlsx(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @Query() query: OverviewQuery, @Res() res: Response) {
    const file = await this.overviews.workbook(id, query);
    sendDownload(res, file, XLSX_MEDIA_TYPE, 'phase-overview.xlsx');
  }

  @Get('target-holders/:id/compliance')
  @Permit('secretariat', 'holder_a', 'holder_b')
  @ApiOperation({ summary: 'Home-screen figures for every phase of the holder, current first (login B: emissions only; ?phaseId= for one)' })
  complianceFigures(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @Query() query: ComplianceQuery, @CurrentActor() actor: Actor) {
    return this.compliance.compliance(actor, id, query.phaseId);
  }

  @Post('issuances')
  @Permit('secretariat')
  @IDEMPOTENCY_HEADER
  @ApiOperation({ summary: "Issue the phase's JAA to a target holder: the amount its base-year approval fixed, as a new serial block" })
  @ApiCreatedResponse({ type: PostingResult })
  async issue(
    @Body() body: IssuanceDto,
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return replayHeader(res, await this.compliance.issue(actor, body.targetHolderId, body.phaseId, key));
  }

  @Post('banking-applications')
  @Permit('holder_a', 'trading_participant')
  @ApiOperation({ summary: 'バンキング申請: within the banking window, keep units of the phase (≤ unbanked holding)' })
  applyBanking(@Body() body: BankingApplicationDto, @CurrentActor() actor: Actor) {
    return this.banking.apply(actor, body.phaseId, body.quantity);
  }

  @Get('banking-applications')
  @Permit('secretariat', 'holder_a', 'trading_participant')
  listBanking(@CurrentActor() actor: Actor) {
    return this.banking.list(actor);
  }

  @Post('banking-applications/:id/approve')
  @HttpCode(200)
  @Permit('secretariat')
  approveBanking(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.banking.decide(actor, id, true);
  }

  @Post('banking-applications/:id/reject')
  @HttpCode(200)
  @Permit('secretariat')
  rejectBanking(@UuidParam('id', 'APPLICATION_NOT_FOUND') id: string, @Body() body: BankingRejectDto, @CurrentActor() actor: Actor) {
    return this.banking.decide(actor, id, false, body.reason);
  }
}
