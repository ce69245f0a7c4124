import { Body, Controller, createParamDecorator, ExecutionContext, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Permit } from '../../core/auth/permissions';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { sendDownload, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { PageQuery } from '../../core/http/pagination';
import { FileWorkers } from '../../core/workers/workers.module';
import { AccountStatusDto, AccountView, CorrectionDto, PostingResult, TransferDto } from './dto/ledger.dto';
import { LedgerService } from './ledger.service';
import { buildStatement } from './statement';

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The Idempotency-Key header, when sent: 1–128 of A-Z a-z 0-9 _ . : - */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new DomainError('VALIDATION_FAILED', {
      fields: [{ field: 'Idempotency-Key', problems: ['1-128 characters of A-Z a-z 0-9 _ . : -'] }],
    });
  }
  return value;
});

export const IDEMPOTENCY_HEADER = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key + same body: the original result, nothing written; same key + another body: 409',
});

export function replayHeader(res: Response, result: PostingResult) {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result;
}

@ApiTags('ledger / 排出枠')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly workers: FileWorkers,
  ) {}

  @Post('transfers')
  @Permit('holder_a', 'trading_participant', 'secretariat')
  @IDEMPOTENCY_HEADER
  @ApiOperation({ summary: 'Move JAA: transfer, retirement (to AST-2), cancellation (AST-101), offset (AST-201)' })
  @ApiCreatedResponse({ type: PostingResult })
  async transfer(
    @Body() body: TransferDto,
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return replayHeader(res, await this.ledger.transfer(actor, body, key));
  }

  @Post('corrections')
  @Permit('secretariat')
  @IDEMPOTENCY_HEADER
  @ApiOperation({ summary: 'A compensating posting against the issuance account, with a mandatory reason' })
  @ApiCreatedResponse({ type: PostingResult })
  async correct(
    @Body() body: CorrectionDto,
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return replayHeader(res, await this.ledger.correct(actor, body, key));
  }

  @Get('accounts')
  @Permit('secretariat')
  @ApiOperation({ summary: 'All accounts with balances (paged by account number)' })
  list(@Query() page: PageQuery) {
    return this.ledger.listAccounts(page);
  }

  @Get('ledger/totals')
  @Permit('secretariat')
  @ApiOperation({ summary: 'System accounts and the sum of all balances (0 when the books balance)' })
  totals() {
    return this.ledger.totals();
  }

  @Get('accounts/:accountNumber')
  @Permit('secretariat', 'holder_a', 'trading_participant')
  @ApiOkResponse({ type: AccountView })
  async account(@Param('accountNumber') accountNumber: string, @CurrentActor() actor: Actor) {
    return this.ledger.view(await this.ledger.visibleAccount(actor, accountNumber));
  }

  @Put('accounts/:accountNumber/status')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Open, block or close a compliance or holding account (with a reason; closing needs an empty account and is final)' })
  @ApiOkResponse({ type: AccountView })
  setStatus(@Param('accountNumber') accountNumber: string, @Body() body: AccountStatusDto) {
    return this.ledger.setStatus(accountNumber, body);
  }

  @Get('accounts/:accountNumber/transactions')
  @Permit('secretariat', 'holder_a', 'trading_participant')
  @ApiOperation({ summary: 'Account history with running balances (paged, newest first)' })
  async transactions(@Param('accountNumber') accountNumber: string, @Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.ledger.history(await this.ledger.visibleAccount(actor, accountNumber), page);
  }

  @Get('accounts/:accountNumber/statement.xlsx')
  @Permit('secretariat', 'holder_a', 'trading_participant')
  @ApiOperation({ summary: '口座明細: the account statement as an Excel file (latest 10,000 entries)' })
  async statement(@Param('accountNumber') accountNumber: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const account = await this.ledger.visibleAccount(actor, accountNumber);
    const file = await buildStatement(this.workers, await this.ledger.view(account), await this.ledger.entries(account.id, 10_000), new Date());
    sendDownload(res, file, XLSX_MEDIA_TYPE, `statement-${account.accountNumber}.xlsx`);
  }
}
