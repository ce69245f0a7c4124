import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../../../core/auth/roles';

export class LoginRequest {
  @ApiProperty({ example: 'secretariat' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  loginId: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password: string;
}

export class LoginResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'seconds until the token expires', example: 900 }) expiresIn: number;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ description: 'true: only the password change is allowed with this token' })
  mustChangePassword: boolean;
}

export class MeResponse {
  @ApiProperty() loginId: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() displayName: string;
  @ApiProperty() mustChangePassword: boolean;
  @ApiProperty({ nullable: true, type: String }) targetHolderId: string | null;
}
