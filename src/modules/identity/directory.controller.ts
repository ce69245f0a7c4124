import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Permit, PermitDuringPasswordChange } from '../../core/auth/permissions';
import { ROLES, type Actor } from '../../core/auth/roles';
import { PageQuery } from '../../core/http/pagination';
import { UuidParam } from '../../core/http/params';
import { DirectoryService } from './directory.service';
import { AssignVerifierDto, PasswordChangeDto, RegisterVerifierDto, VerifierRegistered } from './dto/directory.dto';
import { LoginsService } from './logins.service';

@ApiTags('target holders / 目標保有者')
@ApiBearerAuth()
@Controller('target-holders')
export class TargetHoldersController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  @ApiOperation({ summary: 'Target holders visible to this login (secretariat: all; verifier: assigned; A/B: own)' })
  list(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.directory.listHolders(actor, page);
  }

  @Get(':id')
  @Permit('secretariat', 'holder_a', 'holder_b', 'verifier')
  get(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @CurrentActor() actor: Actor) {
    return this.directory.holder(actor, id);
  }

  @Put(':id/verifier')
  @Permit('secretariat')
  @ApiOperation({ summary: 'Assign or reassign the verifier of a target holder' })
  assign(@UuidParam('id', 'TARGET_HOLDER_NOT_FOUND') id: string, @Body() body: AssignVerifierDto, @CurrentActor() actor: Actor) {
    return this.directory.assignVerifier(actor, id, body.verifierId);
  }
}

@ApiTags('verifiers / 検証機関')
@ApiBearerAuth()
@Controller('verifiers')
export class VerifiersController {
  constructor(private readonly directory: DirectoryService) {}

  @Post()
  @Permit('secretariat')
  @ApiCreatedResponse({ type: VerifierRegistered })
  register(@Body() body: RegisterVerifierDto) {
    return this.directory.registerVerifier(body);
  }

  @Get()
  @Permit('secretariat')
  list(@Query() page: PageQuery) {
    return this.directory.listVerifiers(page);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('logins')
export class LoginsController {
  constructor(private readonly logins: LoginsService) {}

  @Put(':loginId/password')
  @HttpCode(204)
  @PermitDuringPasswordChange(...ROLES)
  @ApiOperation({ summary: 'Change a password (own, or login A for its login B); earlier tokens stop working' })
  @ApiNoContentResponse()
  async change(@Param('loginId') loginId: string, @Body() body: PasswordChangeDto, @CurrentActor() actor: Actor) {
    await this.logins.changePassword(actor, loginId, body.currentPassword, body.newPassword);
  }

  @Post(':loginId/password-reset')
  @HttpCode(200)
  @Permit('secretariat')
  @ApiOperation({ summary: 'Reset a login to a new initial password (shown once)' })
  reset(@Param('loginId') loginId: string, @CurrentActor() actor: Actor) {
    return this.logins.resetPassword(actor, loginId);
  }
}

@ApiTags('contact list / 連絡先一覧')
@ApiBearerAuth()
@Controller('contact-list')
export class ContactListController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Permit('secretariat', 'holder_a', 'trading_participant')
  @ApiOperation({ summary: "Consenting participants' contact details (for consenting participants only)" })
  list(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.directory.contactList(actor, page);
  }
}
