import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IssuedLogin } from './decisions.dto';
import { Email, Kana, Phone, Text } from './validation';

export class RegisterVerifierDto {
  @Text(200, '一般財団法人 検証センター') name: string;
  @Kana(400, 'いっぱんざいだんほうじんけんしょうせんたー') nameKana: string;
  @Email() email: string;
  @Phone(true) phone?: string;
}

export class VerifierView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'V0001' }) verifierNumber: string;
  @ApiProperty() name: string;
  @ApiProperty() nameKana: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
}

export class VerifierRegistered {
  @ApiProperty() verifierId: string;
  @ApiProperty({ example: 'V0001' }) verifierNumber: string;
  @ApiProperty({ type: [IssuedLogin] }) logins: IssuedLogin[];
}

export class AssignVerifierDto {
  @ApiProperty() @IsUUID() verifierId: string;
}

export class PasswordChangeDto {
  @ApiPropertyOptional({ description: 'required when changing your own password' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  currentPassword?: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  newPassword: string;
}
