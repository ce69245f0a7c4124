import { request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CertificatesService } from '../../src/modules/prtr/certificates.service';
import { createCertificateAuthority, issueClientCertificate, toPkcs12 } from '../../src/modules/prtr/pki/ca';
import { createTlsServer } from '../../src/modules/prtr/tls-server';
import { binary, createTestApp, type TestApp } from '../support/app';
import { auth, secretariatToken } from '../factories/identity';
import { officer, registeredFiler, type Filer } from '../factories/prtr';

interface Reply {
  status: number;
  body: { code?: string } & Record<string, unknown>;
}

/**
 * With PRTR_CLIENT_CERT_REQUIRED the registry serves HTTPS and PRTR filer routes need the filer's
 * own current certificate: checked here over real TLS handshakes with the PKCS#12 the registry issued.
 */
describe('PRTR client certificates over real TLS (e2e)', () => {
  let t: TestApp;
  let server: Server;
  let port: number;
  let caCertPem: string;
  let lg: string;
  let filer: Filer;

  const call = (path: string, token: string, client?: { pfx: Buffer; passphrase: string }): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path, servername: 'localhost', ca: caCertPem, agent: false, headers: auth(token), ...client },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  async function p12(downloadUrl: string, token: string): Promise<Buffer> {
    const res = await t.http().get(new URL(downloadUrl).pathname).set(auth(token)).buffer(true).parse(binary).expect(200);
    return res.body as Buffer;
  }

  beforeAll(async () => {
    t = await createTestApp({ PRTR_CLIENT_CERT_REQUIRED: 'true' });
    server = await createTlsServer(t.app, t.config.env);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    caCertPem = (await t.app.get(CertificatesService).authority()).certPem;
    const sec = await secretariatToken(t);
    lg = (await officer(t, sec, { prefectureCode: '13' })).token;
    filer = await registeredFiler(t, lg);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('refuses a filer without a certificate, and one with a certificate the registry did not issue', async () => {
    const none = await call('/api/v1/prtr/facilities', filer.token);
    expect([none.status, none.body.code]).toEqual([403, 'CLIENT_CERTIFICATE_REQUIRED']);
    const stranger = createCertificateAuthority({ commonName: 'Someone Else CA' });
    const forged = issueClientCertificate(stranger, { commonName: filer.loginId });
    const res = await call('/api/v1/prtr/facilities', filer.token, { pfx: toPkcs12(forged, stranger.certPem, 'Passw0rdPassw0rd', 'x'), passphrase: 'Passw0rdPassw0rd' });
    expect([res.status, res.body.code]).toEqual([403, 'CLIENT_CERTIFICATE_INVALID']);
  });

  it('accepts the filer with its own certificate; reissue makes the old one fail on the next handshake', async () => {
    const first = filer.approval.certificate;
    const oldPfx = await p12(first.downloadUrl, filer.token);
    const ok = await call('/api/v1/prtr/facilities', filer.token, { pfx: oldPfx, passphrase: first.importPassword });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(1);

    const reissued = await t.http().post(`/api/v1/prtr/businesses/${filer.businessId}/certificates/reissue`).set(auth(lg)).expect(200);
    expect(reissued.body.revokedSerial).toBe(first.serialNumber);
    const revoked = await call('/api/v1/prtr/facilities', filer.token, { pfx: oldPfx, passphrase: first.importPassword });
    expect([revoked.status, revoked.body.code]).toEqual([403, 'CLIENT_CERTIFICATE_REVOKED']);
    // the old download link died with the certificate
    const stale = await t.http().get(new URL(first.downloadUrl).pathname).set(auth(filer.token));
    expect(stale.status).toBe(404);

    const newPfx = await p12(reissued.body.downloadUrl, filer.token);
    const again = await call('/api/v1/prtr/facilities', filer.token, { pfx: newPfx, passphrase: reissued.body.importPassword });
    expect(again.status).toBe(200);
  });

  it("refuses another filer's certificate, and leaves officers and public routes without one", async () => {
    const other = await registeredFiler(t, lg);
    const otherPfx = await p12(other.approval.certificate.downloadUrl, other.token);
    const res = await call('/api/v1/prtr/facilities', filer.token, { pfx: otherPfx, passphrase: other.approval.certificate.importPassword });
    expect([res.status, res.body.code]).toEqual([403, 'CLIENT_CERTIFICATE_INVALID']);
    const officerCall = await call('/api/v1/prtr/filings', lg);
    expect(officerCall.status).toBe(200);
    const health = await call('/api/v1/prtr/master/prefectures', '');
    expect(health.status).toBe(200);
  });
});
