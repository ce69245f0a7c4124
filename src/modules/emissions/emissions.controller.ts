import { Body, Controller, Get, HttpCode, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, Permit } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { UuidParam } from '../../core/http/params';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { ReviewDocumentDto, TemplateQuery, TransitionDto } from './dto/emissions.dto';
import { EmissionsService, type UploadedFile as Upload } from './emissions.service';
import type { ReportAction } from './transitions';

const MULTIPART_FILE = () =>
  ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } });

@ApiTags('emissions / 排出量管理')
@ApiBearerAuth()
@Controller()
export class EmissionsController {
  constructor(private readonly emissions: EmissionsService) {}

  @Get('reports/template')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier', 'trading_participant')
  @ApiOperation({ summary: 'The designated calculation-report form (.xlsx); ?reportId= prefills the header' })
  async template(@Query() query: TemplateQuery, @CurrentActor() actor: Actor, @Res() res: Response) {
    const file = await this.emissions.template(actor, query.reportId);
    sendDownload(res, file, XLSX_MEDIA_TYPE, 'calculation-report-template-v1.xlsx');
  }

  @Get('target-holders/:id/reports')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  @ApiOperation({ summary: 'The holder\'s reports with their statuses' })
  reports(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.emissions.holderReports(actor, id);
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
  @ApiOperation({ summary: 'State-machine actions (docs/domain.md §4): request_verification, send_back, approve, …' })
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
