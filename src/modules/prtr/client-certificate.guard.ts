import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '../../core/auth/roles';
import { CertificatesService } from './certificates.service';

/**
 * On the PRTR routes a filer uses: with PRTR_CLIENT_CERT_REQUIRED, the request must come over TLS
 * with the filer's own current certificate (officers and the public routes are not affected).
 * Runs after the global access guard, so the actor is known.
 */
@Injectable()
export class ClientCertificateGuard implements CanActivate {
  constructor(private readonly certificates: CertificatesService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: Actor }>();
    if (req.user) await this.certificates.assertClientCertificate(req.user, req.socket);
    return true;
  }
}
