import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Permit, PermitDuringPasswordChange, Public } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { UuidParam } from '../../core/http/params';
import { RateLimited } from '../../core/http/rate-limit';
import { CertificatesService } from './certificates.service';
import { ClientCertificateGuard } from './client-certificate.guard';
import {
  CreateFilingDto,
  EligibilityDto,
  FilingContentDto,
  FilingListQuery,
  InquiryAnswerDto,
  InquiryCloseDto,
  InquiryDto,
  OfficerDto,
  PrtrRegistrationDto,
  PrtrRejectDto,
  PublicCsvQuery,
  RegistrationListQuery,
  SubstanceListQuery,
} from './dto/prtr.dto';
import { FileWorkers } from '../../core/workers/workers.module';
import { electronicFileName, toElectronicFile } from './exports/electronic-file';
import { readElectronicFile, writeFilingWorkbook } from './exports/tasks';
import { buildPublicCsv } from './exports/public-csv';
import { FilersService } from './filers.service';
import { FilingsService } from './filings.service';
import { InquiriesService } from './inquiries.service';
import { MasterDataService } from './master/master-data.service';
import { checkEligibility } from './rules/eligibility';

const OFFICERS = ['prtr_local_gov', 'prtr_ministry'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('PRTR (public) / PRTR届出（公開）')
@Controller('prtr')
export class PrtrPublicController {
  constructor(
    private readonly master: MasterDataService,
    private readonly filers: FilersService,
    private readonly certificates: CertificatesService,
  ) {}

  @Post('eligibility')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: '届出対象の判定 / Must this business file? (no login)' })
  async eligibility(@Body() body: EligibilityDto) {
    const fiscalYear = body.fiscalYear ?? 2100; // the latest imported list
    const view = await this.master.forFiscalYear(fiscalYear);
    const { fiscalYear: _fy, ...input } = body; // eslint-disable-line @typescript-eslint/no-unused-vars
    return { substanceListEffectiveFromFy: view.listFy, ...checkEligibility(input, { industry: view.industry, substance: view.substance }) };
  }

  @Get('master/prefectures')
  @Public()
  prefectures() {
    return this.master.prefectures();
  }

  @Get('master/industries')
  @Public()
  industries() {
    return this.master.industryList();
  }

  @Get('master/substances')
  @Public()
  @ApiOperation({ summary: 'The substance list in force for a fiscal year (?fiscalYear=2025&class=I)' })
  substances(@Query() query: SubstanceListQuery) {
    return this.master.substanceList(query.fiscalYear, query.class ?? 'I');
  }

  @Post('registrations')
  @Public()
  @RateLimited('public-applications')
  @ApiOperation({ summary: '電子情報処理組織使用届出書 / Pre-registration for electronic filing (no login)' })
  register(@Body() body: PrtrRegistrationDto, @Req() req: Request) {
    return this.filers.submit(body, req.ip ?? null);
  }

  @Get('certificate-downloads/:token')
  @PermitDuringPasswordChange('prtr_filer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The client certificate as PKCS#12: by its filer (logged in with the password), once, within 90 days of issue' })
  async download(@Param('token') token: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { fileName, p12 } = await this.certificates.download(actor, token);
    sendDownload(res, p12, 'application/x-pkcs12', fileName, { 'Cache-Control': 'no-store' });
  }
}

@ApiTags('PRTR officers / PRTR（自治体・省庁）')
@ApiBearerAuth()
@Controller('prtr')
export class PrtrOfficersController {
  constructor(
    private readonly filers: FilersService,
    private readonly filings: FilingsService,
    private readonly inquiries: InquiriesService,
  ) {}

  @Post('officers')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Create a local-government (one prefecture) or ministry (one minister) login' })
  officer(@Body() body: OfficerDto) {
    return this.filers.createOfficer(body);
  }

  @Get('registrations')
  @Permit('prtr_local_gov')
  registrations(@Query() query: RegistrationListQuery, @CurrentActor() actor: Actor) {
    return this.filers.list(actor, query);
  }

  @Get('registrations/:id')
  @Permit('prtr_local_gov')
  registration(@UuidParam('id', 'PRTR_REGISTRATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filers.get(actor, id);
  }

  @Post('registrations/:id/approve')
  @HttpCode(200)
  @Permit('prtr_local_gov')
  @ApiOperation({ summary: 'Approve: business, facilities, filer login and client certificate (passwords shown once)' })
  approve(@UuidParam('id', 'PRTR_REGISTRATION_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filers.approve(actor, id);
  }

  @Post('registrations/:id/reject')
  @HttpCode(200)
  @Permit('prtr_local_gov')
  reject(@UuidParam('id', 'PRTR_REGISTRATION_NOT_FOUND') id: string, @Body() body: PrtrRejectDto, @CurrentActor() actor: Actor) {
    return this.filers.reject(actor, id, body.reason);
  }

  @Post('businesses/:id/certificates/reissue')
  @HttpCode(200)
  @Permit('prtr_local_gov')
  @ApiOperation({ summary: 'Reissue the client certificate; the previous one is revoked at once' })
  reissue(@UuidParam('id', 'PRTR_BUSINESS_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filers.reissueCertificate(actor, id);
  }

  @Post('filings/:id/accept')
  @HttpCode(200)
  @Permit('prtr_local_gov')
  @ApiOperation({ summary: '自治体受理 / Accept as the local government' })
  accept(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filings.accept(actor, id, 'local');
  }

  @Post('filings/:id/ministry-accept')
  @HttpCode(200)
  @Permit('prtr_ministry')
  @ApiOperation({ summary: '省庁受理 / Accept as the ministry (after the local government)' })
  ministryAccept(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filings.accept(actor, id, 'ministry');
  }

  @Post('filings/:id/inquiries')
  @Permit('prtr_local_gov')
  @ApiOperation({ summary: '照会 / Raise an inquiry on a filing' })
  inquire(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @Body() body: InquiryDto, @CurrentActor() actor: Actor) {
    return this.inquiries.raise(actor, id, body.message);
  }

  @Post('inquiries/:id/close')
  @HttpCode(200)
  @Permit('prtr_local_gov')
  @ApiOperation({ summary: 'Close an answered inquiry; a withdrawal request is confirmed (filing withdrawn) or declined: {withdrawal: "confirm"|"decline", note}' })
  close(@UuidParam('id', 'PRTR_INQUIRY_NOT_FOUND') id: string, @Body() body: InquiryCloseDto, @CurrentActor() actor: Actor) {
    return this.inquiries.close(actor, id, body);
  }

  @Get('exports/public.csv')
  @Permit('prtr_ministry')
  @ApiOperation({ summary: 'Public CSV of the filings accepted by this ministry (one row per facility × substance)' })
  async publicCsv(@Query() query: PublicCsvQuery, @CurrentActor() actor: Actor, @Res() res: Response) {
    const records = await this.filings.acceptedForMinistry(actor, query.fiscalYear);
    sendDownload(res, Buffer.from(buildPublicCsv(records), 'utf8'), 'text/csv; charset=utf-8', `prtr-${actor.prtrMinisterCode}-FY${query.fiscalYear}.csv`);
  }
}

@ApiTags('PRTR filings / PRTR届出')
@ApiBearerAuth()
@Controller('prtr')
@UseGuards(ClientCertificateGuard)
export class PrtrFilingsController {
  constructor(
    private readonly filers: FilersService,
    private readonly filings: FilingsService,
    private readonly inquiries: InquiriesService,
    private readonly workers: FileWorkers,
  ) {}

  @Get('businesses/:id')
  @Permit('prtr_filer', 'prtr_local_gov')
  business(@UuidParam('id', 'PRTR_BUSINESS_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filers.businessView(actor, id);
  }

  @Get('facilities')
  @Permit('prtr_filer')
  facilities(@CurrentActor() actor: Actor) {
    return this.filers.facilities(actor);
  }

  @Post('filings')
  @Permit('prtr_filer')
  @ApiOperation({ summary: 'Create a draft filing for a facility and fiscal year (validated; blocking findings listed)' })
  create(@Body() body: CreateFilingDto, @CurrentActor() actor: Actor) {
    return this.filings.createDraft(actor, body);
  }

  @Post('filings/import')
  @Permit('prtr_filer')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Import an electronic filing file: a new draft, or an amendment draft of the filing it names' })
  async import(@UploadedFile() file: { buffer: Buffer } | undefined, @Body('facilityId') facilityId: unknown, @CurrentActor() actor: Actor) {
    // multipart fields are whatever the client sent: given twice an array, as facilityId[x] an object
    if (facilityId !== undefined && typeof facilityId !== 'string') {
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'facilityId', problems: ['事業所IDは一つだけ文字列で指定してください (give facilityId once, as text)'] }] });
    }
    if (!file) throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'file', problems: ['ファイルを指定してください (attach the file as "file")'] }] });
    const parsed = await readElectronicFile(this.workers, file.buffer); // in a file worker, off the event loop
    const target = facilityId ?? parsed.facilityId;
    if (target !== null && target !== undefined && !UUID.test(target)) throw new DomainError('PRTR_FACILITY_NOT_FOUND');
    const current = parsed.referenceNumber ? await this.filings.currentByReference(actor, parsed.referenceNumber, target ?? null) : null;
    if (current) return this.filings.createAmendment(actor, current, parsed.content);
    if (!target) throw new DomainError('PRTR_FACILITY_NOT_FOUND');
    return this.filings.createDraft(actor, { facilityId: target, fiscalYear: parsed.fiscalYear, ...parsed.content } as CreateFilingDto);
  }

  @Get('filings')
  @Permit('prtr_filer', ...OFFICERS)
  list(@Query() query: FilingListQuery, @CurrentActor() actor: Actor) {
    return this.filings.list(actor, query);
  }

  @Get('filings/:id')
  @Permit('prtr_filer', ...OFFICERS)
  get(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filings.view(actor, id);
  }

  @Put('filings/:id')
  @Permit('prtr_filer')
  update(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @Body() body: FilingContentDto, @CurrentActor() actor: Actor) {
    return this.filings.updateDraft(actor, id, body);
  }

  @Delete('filings/:id')
  @HttpCode(204)
  @Permit('prtr_filer')
  async remove(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    await this.filings.deleteDraft(actor, id);
  }

  @Post('filings/:id/submit')
  @HttpCode(200)
  @Permit('prtr_filer')
  @ApiOperation({ summary: '届出 / File the draft: blocking findings refuse it (422); after the deadline it is marked late' })
  submit(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.filings.submit(actor, id);
  }

  @Post('filings/:id/amendments')
  @Permit('prtr_filer')
  @ApiOperation({ summary: '変更届出 / A new draft version of a filed filing (filed with /submit; replaces it)' })
  amend(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @Body() body: FilingContentDto, @CurrentActor() actor: Actor) {
    return this.filings.createAmendment(actor, id, body);
  }

  @Get('filings/:id/electronic-file')
  @Permit('prtr_filer', ...OFFICERS)
  @ApiOperation({ summary: 'The electronic filing file (JSON, docs/prtr-electronic-file.md); re-importable' })
  async electronicFile(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const record = await this.filings.record(actor, id);
    sendDownload(res, toElectronicFile(record), 'application/json; charset=utf-8', electronicFileName(record));
  }

  @Get('filings/:id/form.xlsx')
  @Permit('prtr_filer', ...OFFICERS)
  @ApiOperation({ summary: 'The printable form (本紙 + 別紙) as Excel' })
  async form(@UuidParam('id', 'PRTR_FILING_NOT_FOUND') id: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const record = await this.filings.record(actor, id);
    sendDownload(res, await writeFilingWorkbook(this.workers, record), XLSX_MEDIA_TYPE, `prtr-${record.referenceNumber ?? 'draft'}.xlsx`);
  }

  @Get('inquiries/:id')
  @Permit('prtr_filer', 'prtr_local_gov')
  inquiry(@UuidParam('id', 'PRTR_INQUIRY_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.inquiries.get(actor, id);
  }

  @Post('inquiries/:id/answer')
  @HttpCode(200)
  @Permit('prtr_filer')
  @ApiOperation({ summary: '照会への回答 / Answer: no_change (reason), amendment (full new version, filed at once) or withdrawal_request' })
  answer(@UuidParam('id', 'PRTR_INQUIRY_NOT_FOUND') id: string, @Body() body: InquiryAnswerDto, @CurrentActor() actor: Actor) {
    return this.inquiries.answer(actor, id, body);
  }
}
