import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { INestApplication } from '@nestjs/common';
import type { Env } from '../../core/config/env';
import { applyServerSettings } from '../../core/http/client-errors';
import { CertificatesService } from './certificates.service';
import { issueServerCertificate } from './pki/ca';
import { httpsServerOptions } from './pki/tls';

/**
 * With PRTR_CLIENT_CERT_REQUIRED the registry serves HTTPS itself and asks every client for a
 * certificate (verified against the registry's CA; which routes insist on one is decided per route).
 * The server certificate comes from TLS_CERT_FILE/TLS_KEY_FILE, or is issued by the registry's CA
 * for TLS_HOSTNAMES (clients then trust that CA: it is inside every PKCS#12 the registry hands out).
 */
export async function createTlsServer(app: INestApplication, env: Env): Promise<Server> {
  const ca = await app.get(CertificatesService).authority();
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    throw new Error('TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither');
  }
  const own = env.TLS_CERT_FILE
    ? { certPem: readFileSync(env.TLS_CERT_FILE, 'utf8'), keyPem: readFileSync(env.TLS_KEY_FILE!, 'utf8') }
    : issueServerCertificate(ca, env.TLS_HOSTNAMES.split(',').filter(Boolean), {
        // never beyond the CA (397 days otherwise)
        validityDays: Math.min(397, Math.floor((Date.parse(new X509Certificate(ca.certPem).validTo) - Date.now()) / 86_400_000) - 1),
      });
  const server = createServer(httpsServerOptions({ ...own, caCertPem: ca.certPem }), app.getHttpAdapter().getInstance());
  applyServerSettings(server, env.HTTP_KEEP_ALIVE_TIMEOUT_MS);
  return server;
}
