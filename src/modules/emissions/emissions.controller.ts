import { Body, Controller, Get, HttpCode, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, Permit } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { UuidParam } from '../../core/http/params';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import {
  BankingApplicationDto,
  BankingRejectDto,
  ComplianceQuery,
  CreatePhaseDto,
  JoinPhaseDto,
  OverviewQuery,
  ReviewDocumentDto,
  TemplateQuery,
  TransitionDto,
} from './dto/emissions.dto';
import { BankingService } from './banking.service';
import { OverviewService } from './overview.service';
import { EmissionsService, type UploadedFile as Upload } from './emissions.service';
import type { ReportAction } from './transitions';

const MULTIPART_FILE = () =>
  ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } });

@ApiTags('emissions / 排出量管理')
@ApiBearerAuth()
@Controller()
export class EmissionsController {
  constructor(
    private readonly emissions: EmissionsService,
    private readonly banking: BankingService,
    private readonly overviews: OverviewService,
  ) {}

  @Get('reports/template')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier', 'trading_participant')
  @ApiOperation({ summary: 'The designated calculation-report form (.xlsx); ?reportId= prefills the header' })
  async template(@Query() query: TemplateQuery, @CurrentActor() actor: Actor, @Res() res: Response) {
    const file = await this.emissions.template(actor, query.reportId);
    sendDownload(res, file, XLSX_MEDIA_TYPE, 'calculation-report-template-v1.xlsx');
  }

  @Post('phases')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Define a phase (期) with its fiscal years and retirement deadline' })
  createPhase(@Body() body: CreatePhaseDto) {
    return this.emissions.createPhase(body);
  }

  @Get('phases')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  listPhases() {
    return this.emissions.listPhases();
  }

  @Get('phases/:id/overview')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Every holder of the phase with report statuses and compliance figures (filter by status, q)' })
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

  @Post('banking-applications')
  @Permit('holder_a')
  @ApiOperation({ summary: 'バンキング申請: after the deadline, keep surplus JAA (≤ balance)' })
  applyBanking(@Body() body: BankingApplicationDto, @CurrentActor() actor: Actor) {
    return this.banking.apply(actor, body.phaseId, body.quantity);
  }

  @Get('banking-applications')
  @Permit('secretariat', 'holder_a')
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

  @Post('phases/:id/participants')
  @Permit('secretariat')
  @ApiOperation({ summary: 'A target holder joins the phase with its reduction target; its three reports are created' })
  join(@UuidParam('id', 'PHASE_NOT_FOUND') id: string, @Body() body: JoinPhaseDto, @CurrentActor() actor: Actor) {
    return this.emissions.joinPhase(id, body, actor);
  }

  @Get('target-holders/:id/reports')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  @ApiOperation({ summary: 'The holder\'s reports with their statuses' })
  reports(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.emissions.holderReports(actor, id);
  }

  @Get('target-holders/:id/compliance')
  @Permit('secretariat', 'holder_a', 'holder_b')
  @ApiOperation({ summary: 'Home-screen figures (login B: emissions only)' })
  compliance(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @Query() query: ComplianceQuery, @CurrentActor() actor: Actor) {
    return this.emissions.compliance(actor, id, query.phaseId);
  }

  @Get('reports/:id')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  report(@UuidParam('id', 'REPORT_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.emissions.reportDetail(actor, id);
  }

  @Post('reports/:id/files')
  @Permit('holder_a', 'holder_b')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @MULTIPART_FILE()
  @ApiOperation({ summary: 'Upload the calculation report (designated .xlsx); the latest file is authoritative' })
  upload(@UuidParam('id', 'REPORT_NOT_FOUND') id: string, @UploadedFile() file: Upload | undefined, @CurrentActor() actor: Actor) {
    return this.emissions.uploadCalculation(actor, id, file);
  }

  @Post('reports/:id/attachments')
  @Permit('holder_a', 'holder_b')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @MULTIPART_FILE()
  @ApiOperation({ summary: 'Add an attachment (PDF, PNG, JPEG or xlsx)' })
  attach(@UuidParam('id', 'REPORT_NOT_FOUND') id: string, @UploadedFile() file: Upload | undefined, @CurrentActor() actor: Actor) {
    return this.emissions.addAttachment(actor, id, file);
  }

  @Post('reports/:id/verification-report')
  @Permit('verifier')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @MULTIPART_FILE()
  @ApiOperation({ summary: 'The assigned verifier registers its verification report' })
  verification(@UuidParam('id', 'REPORT_NOT_FOUND') id: string, @UploadedFile() file: Upload | undefined, @CurrentActor() actor: Actor) {
    return this.emissions.addVerificationReport(actor, id, file);
  }

  @Post('reports/:id/review-documents')
  @Permit('verifier', 'secretariat')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Review documents between the verifier and the secretariat (a file, a comment, or both)' })
  review(
    @UuidParam('id', 'REPORT_NOT_FOUND') id: string,
    @UploadedFile() file: Upload | undefined,
    @Body() body: ReviewDocumentDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.emissions.addReviewDocument(actor, id, file, body?.comment);
  }

  @Post('reports/:id/transitions')
  @HttpCode(200)
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  @ApiOperation({ summary: 'State-machine actions (DOMAIN.md §4): request_verification, send_back, approve, …' })
  transition(@UuidParam('id', 'REPORT_NOT_FOUND') id: string, @Body() body: TransitionDto, @CurrentActor() actor: Actor) {
    return this.emissions.transition(actor, id, body.action as ReportAction, body.comment);
  }

  @Get('files/:id')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  @ApiOperation({ summary: 'Download a report file (visibility checked)' })
  async download(@UuidParam('id', 'FILE_NOT_FOUND') id: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const file = await this.emissions.download(actor, id);
    sendDownload(res, file.content, file.mediaType, file.fileName, { 'X-Content-SHA256': file.sha256 });
  }
}
