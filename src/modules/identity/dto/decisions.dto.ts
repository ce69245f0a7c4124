import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../core/http/pagination';
import { ROLES, type Role } from '../../../core/auth/roles';
import { Text } from './validation';

export class RejectDto {
  @Text(1000, '添付書類が不足しています。') reason: string;
}

export class ApplicationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['submitted', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['submitted', 'approved', 'rejected'])
  status?: 'submitted' | 'approved' | 'rejected';
}

export class IssuedLogin {
  @ApiProperty({ example: 'T00001A' }) loginId: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ description: 'shown once; must be changed at first login' }) initialPassword: string;
}

export class ApplicationCreated {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'submitted' }) status: 'submitted';
}

export class ApplicationSummary {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['registration', 'trading_participant', 'contact_change'] }) kind: string;
  @ApiProperty({ enum: ['submitted', 'approved', 'rejected'] }) status: string;
  @ApiProperty() summary: string;
  @ApiProperty() submittedAt: string;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty({ nullable: true, type: String }) targetHolderId: string | null;
  @ApiProperty({ nullable: true, type: String }) tradingParticipantId: string | null;
}

export class ApplicationDetail extends ApplicationSummary {
  @ApiProperty({ type: 'object', additionalProperties: true }) body: Record<string, unknown>;
}

export class RegistrationApproved {
  @ApiProperty() targetHolderId: string;
  @ApiProperty({ example: 'T00001' }) holderNumber: string;
  @ApiProperty({ example: 'AST-1001' }) accountNumber: string;
  @ApiProperty({ type: [IssuedLogin] }) logins: IssuedLogin[];
}

export class TradingParticipantCreated {
  @ApiProperty() tradingParticipantId: string;
  @ApiProperty({ example: 'P00001' }) participantNumber: string;
  @ApiProperty({ example: 'AST-1002' }) accountNumber: string;
  @ApiProperty({ type: [IssuedLogin] }) logins: IssuedLogin[];
}
