import { createHash, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { DomainError } from '../../core/errors/domain-error';
import { createCertificateAuthority, generateImportPassword, issueClientCertificate, toPkcs12, type CaMaterial } from './pki/ca';
import { peerCertificateOf } from './pki/tls';

const CA_VALIDITY_YEARS = 20;
const CLIENT_VALIDITY_DAYS = 3 * 365;

/** A download link stays valid this long (docs/domain.md §8). */
export const DOWNLOAD_LINK_DAYS = 90;

export interface IssuedCertificateNotice {
  certificateId: string;
  serialNumber: string;
  notAfter: string;
  /** Shown once, to the officer who issues it: it reaches the filer separately from the file. */
  importPassword: string;
  fileName: string;
  downloadUrl: string;
  downloadExpiresAt: string;
  revokedSerial: string | null;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The registry's own CA and the filers' client certificates: issue (revoking the previous one),
 * deliver once as PKCS#12, and check the certificate a TLS request came with.
 */
@Injectable()
export class CertificatesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /**
   * The CA, created on first use (one row; concurrent first uses agree on the one inserted). Its
   * private key is stored encrypted (PKCS#8, AES-256) under PRTR_CA_KEY_PASSPHRASE, or the JWT secret.
   */
  async authority(m: EntityManager = this.db.manager): Promise<CaMaterial> {
    const [row] = await m.query(`SELECT cert_pem, key_pem FROM prtr_certificate_authority WHERE id = 1`);
    if (row) return { certPem: row.cert_pem, keyPem: await this.openKey(m, row.key_pem) };
    const ca = createCertificateAuthority({ commonName: 'PRTR Registry Client CA', organization: 'PRTR届出システム', validityYears: CA_VALIDITY_YEARS });
    await m.query(
      `INSERT INTO prtr_certificate_authority (id, cert_pem, key_pem) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
      [ca.certPem, this.seal(ca.keyPem)],
    );
    const [stored] = await m.query(`SELECT cert_pem, key_pem FROM prtr_certificate_authority WHERE id = 1`);
    return { certPem: stored.cert_pem, keyPem: await this.openKey(m, stored.key_pem) };
  }

  private seal(keyPem: string): string {
    const passphrase = this.config.env.PRTR_CA_KEY_PASSPHRASE ?? this.config.jwtSecret;
    return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
  }

  /**
   * Opens the stored key with PRTR_CA_KEY_PASSPHRASE, else the JWT secret (the default), else as an
   * unencrypted PEM (older rows); a key not sealed under the current setting is sealed again.
   */
  private async openKey(m: EntityManager, stored: string): Promise<string> {
    const candidates = [this.config.env.PRTR_CA_KEY_PASSPHRASE, this.config.jwtSecret].filter((p): p is string => Boolean(p));
    const encrypted = stored.includes('ENCRYPTED PRIVATE KEY');
    for (const [i, passphrase] of (encrypted ? candidates : ['']).entries()) {
      try {
        const pem = createPrivateKey(encrypted ? { key: stored, format: 'pem', passphrase } : stored).export({ type: 'pkcs8', format: 'pem' }).toString();
        if (!encrypted || i > 0) await m.query(`UPDATE prtr_certificate_authority SET key_pem = $1 WHERE id = 1`, [this.seal(pem)]);
        return pem;
      } catch {
        // the next candidate
      }
    }
    throw new DomainError('PRTR_CA_KEY_UNREADABLE');
  }

  /** Issues a certificate to a filer login, revoking its current one (reissue), inside the caller's transaction. */
  async issue(
    m: EntityManager,
    target: { businessId: string; businessName: string; loginUuid: string; loginId: string },
    issuedBy: string,
  ): Promise<IssuedCertificateNotice> {
    const ca = await this.authority(m);
    // TypeORM answers an UPDATE … RETURNING with [rows, affected]
    const [revoked]: [{ serial_number: string }[], number] = await m.query(
      `UPDATE prtr_certificates SET revoked_at = now(), revocation_reason = 'reissued', p12 = NULL
        WHERE login_id = $1 AND revoked_at IS NULL RETURNING serial_number`,
      [target.loginUuid],
    );
    // X.520 caps O at 64 characters; a longer business name is cut there (the login ID identifies the filer)
    const organization = [...target.businessName.trim()].slice(0, 64).join('').trim() || undefined;
    // never beyond the CA: a certificate issued late in the CA's life is shorter (renew the CA before it ends)
    const caDaysLeft = Math.floor((Date.parse(new X509Certificate(ca.certPem).validTo) - Date.now()) / 86_400_000) - 1;
    if (caDaysLeft < 30) throw new DomainError('PRTR_CA_EXPIRING', { caDaysLeft });
    const cert = issueClientCertificate(ca, { commonName: target.loginId, organization }, { validityDays: Math.min(CLIENT_VALIDITY_DAYS, caDaysLeft) });
    const importPassword = generateImportPassword();
    const fileName = `AP${target.loginId}.p12`;
    const p12 = toPkcs12(cert, ca.certPem, importPassword, fileName.replace(/\.p12$/, ''));
    const token = randomBytes(32).toString('base64url');
    const [row] = await m.query(
      `INSERT INTO prtr_certificates (business_id, login_id, serial_number, fingerprint256, subject, not_before, not_after,
              cert_pem, p12, download_token_hash, download_expires_at, issued_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(days => $11), $12)
       RETURNING id, download_expires_at`,
      [target.businessId, target.loginUuid, cert.serialNumber, cert.fingerprint256, cert.subject, cert.notBefore, cert.notAfter,
        cert.certPem, p12, hashToken(token), DOWNLOAD_LINK_DAYS, issuedBy],
    );
    return {
      certificateId: row.id,
      serialNumber: cert.serialNumber,
      notAfter: cert.notAfter.toISOString(),
      importPassword,
      fileName,
      downloadUrl: `${this.config.env.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/v1/prtr/certificate-downloads/${token}`,
      downloadExpiresAt: new Date(row.download_expires_at).toISOString(),
      revokedSerial: revoked[0]?.serial_number ?? null,
    };
  }

  /**
   * GET /prtr/certificate-downloads/{token}: the PKCS#12, once, to the filer it was issued to (logged in:
   * a mail scanner following the link gets 401 and uses nothing up); the stored copy is erased as it goes.
   */
  async download(actor: Actor, token: string): Promise<{ fileName: string; p12: Buffer }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new DomainError('CERTIFICATE_LINK_INVALID');
    return this.db.transaction(async (m) => {
      const [row] = await m.query(
        `SELECT c.id, c.p12, c.login_id AS owner, c.downloaded_at, c.revoked_at, c.download_expires_at < now() AS expired, l.login_id
           FROM prtr_certificates c JOIN logins l ON l.id = c.login_id
          WHERE c.download_token_hash = $1 FOR UPDATE OF c`,
        [hashToken(token)],
      );
      if (!row || row.revoked_at || row.owner !== actor.id) throw new DomainError('CERTIFICATE_LINK_INVALID');
      if (row.downloaded_at) throw new DomainError('CERTIFICATE_ALREADY_DOWNLOADED', { downloadedAt: row.downloaded_at });
      if (row.expired) throw new DomainError('CERTIFICATE_LINK_EXPIRED');
      await m.query(`UPDATE prtr_certificates SET downloaded_at = now(), p12 = NULL WHERE id = $1`, [row.id]);
      return { fileName: `AP${row.login_id}.p12`, p12: row.p12 as Buffer };
    });
  }

  /** A business's certificates, newest first (no secrets). */
  async list(businessId: string) {
    const rows = await this.db.query(
      `SELECT id, serial_number, subject, not_before, not_after, download_expires_at, downloaded_at, revoked_at, revocation_reason, created_at
         FROM prtr_certificates WHERE business_id = $1 ORDER BY created_at DESC, id`,
      [businessId],
    );
    return rows.map((r: Record<string, any>) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
      id: r.id,
      serialNumber: r.serial_number,
      subject: r.subject,
      notBefore: r.not_before,
      notAfter: r.not_after,
      status: r.revoked_at ? 'revoked' : 'current',
      downloadExpiresAt: r.download_expires_at,
      downloadedAt: r.downloaded_at,
      revokedAt: r.revoked_at,
      revocationReason: r.revocation_reason,
      issuedAt: r.created_at,
    }));
  }

  /**
   * With client authentication on, a filer's request must come over TLS with a certificate that our CA
   * issued, that is current (not revoked, not expired) and that belongs to the logged-in login.
   */
  async assertClientCertificate(actor: Actor, socket: unknown): Promise<void> {
    if (!this.config.env.PRTR_CLIENT_CERT_REQUIRED || actor.role !== 'prtr_filer') return;
    const peer = peerCertificateOf(socket);
    if (!peer) throw new DomainError('CLIENT_CERTIFICATE_REQUIRED');
    const [row] = await this.db.query(
      `SELECT login_id, revoked_at, not_after < now() AS expired FROM prtr_certificates WHERE serial_number = $1 AND fingerprint256 = $2`,
      [peer.serialNumber, peer.fingerprint256],
    );
    if (row?.revoked_at) throw new DomainError('CLIENT_CERTIFICATE_REVOKED');
    if (!peer.authorized || !row || row.expired || row.login_id !== actor.id) {
      throw new DomainError('CLIENT_CERTIFICATE_INVALID', { reason: peer.authorizationError ?? (row ? 'not the logged-in login' : 'unknown certificate') });
    }
  }
}
