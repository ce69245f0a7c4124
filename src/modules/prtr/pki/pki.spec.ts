import { X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import * as tls from 'node:tls';
import {
  type CaMaterial,
  type CertificateAndKey,
  type IssuedCertificate,
  createCertificateAuthority,
  generateImportPassword,
  issueClientCertificate,
  issueServerCertificate,
  normaliseSerial,
  toPkcs12,
} from './ca';
import { type PeerCertificateInfo, httpsServerOptions, peerCertificateOf } from './tls';

const ORG = '株式会社サンプル化学工業（東京）';

let ca: CaMaterial;
let serverCert: CertificateAndKey;
let client: IssuedCertificate;
let importPassword: string;
let pfx: Buffer;
let server: https.Server;
let port: number;

beforeAll(async () => {
  ca = createCertificateAuthority({ commonName: 'PRTR Registry Test CA', organization: '環境省 PRTR' });
  serverCert = issueServerCertificate(ca, ['localhost', '127.0.0.1']);
  client = issueClientCertificate(ca, { commonName: 'P13000123', organization: ORG, serialNumber: '1234567890123' });
  importPassword = generateImportPassword();
  pfx = toPkcs12(client, ca.certPem, importPassword, `PRTR P13000123 ${ORG}`);

  server = https.createServer(
    httpsServerOptions({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, caCertPem: ca.certPem }),
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(peerCertificateOf(req.socket)));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One request over a fresh connection (agent: false); the client verifies the server unless told otherwise. */
function get(opts: https.RequestOptions): Promise<{ seen: PeerCertificateInfo | null; serverVerified: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/', servername: 'localhost', ca: ca.certPem, agent: false, ...opts },
      (res) => {
        const serverVerified = (res.socket as tls.TLSSocket).authorized;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ seen: JSON.parse(body) as PeerCertificateInfo | null, serverVerified }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('TLS client authentication against the registry CA', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'a client certificate from the PKCS#12 is authorized and identified by serial and fingerprint (%s)',
    async (version) => {
      const { seen, serverVerified } = await get({ pfx, passphrase: importPassword, maxVersion: version, minVersion: version });
      expect(serverVerified).toBe(true);
      expect(seen).toEqual({
        serialNumber: client.serialNumber,
        fingerprint256: client.fingerprint256,
        subjectCN: 'P13000123',
        authorized: true,
        authorizationError: null,
      });
    },
  );

  it('the client really verifies the server: without our CA the handshake fails', async () => {
    // Not with the pfx: Node trusts the CA certificates bundled in a PKCS#12 it loads.
    // (OpenSSL sends our CA along with the server certificate, built from the server's `ca` store.)
    await expect(get({ cert: client.certPem, key: client.keyPem, ca: undefined })).rejects.toMatchObject({
      code: expect.stringMatching(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/),
    });
  });

  it('a certificate from another CA completes the handshake but is not authorized', async () => {
    const otherCa = createCertificateAuthority({ commonName: 'Someone Else CA' });
    const forged = issueClientCertificate(otherCa, { commonName: 'P13000123', organization: ORG });
    const { seen, serverVerified } = await get({ cert: forged.certPem, key: forged.keyPem });
    expect(serverVerified).toBe(true);
    expect(seen).toMatchObject({ serialNumber: forged.serialNumber, subjectCN: 'P13000123', authorized: false });
    expect(seen!.authorizationError).toEqual(expect.stringMatching(/^[A-Z_]+$/));
  });

  it('an expired certificate from our CA is not authorized', async () => {
    const now = new Date(Date.now() - 40 * 86_400_000);
    const expired = issueClientCertificate(ca, { commonName: 'P13000999' }, { validityDays: 30, now });
    const { seen } = await get({ cert: expired.certPem, key: expired.keyPem });
    expect(seen).toMatchObject({ serialNumber: expired.serialNumber, authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
  });

  it('no client certificate → null (non-PRTR routes still work)', async () => {
    const { seen, serverVerified } = await get({});
    expect(serverVerified).toBe(true);
    expect(seen).toBeNull();
  });

  it('a socket that is not TLS → null', () => {
    const plain = new Socket();
    expect(peerCertificateOf(plain)).toBeNull();
    plain.destroy();
    expect(peerCertificateOf(undefined)).toBeNull();
    expect(peerCertificateOf({})).toBeNull();
  });
});

describe('PKCS#12', () => {
  it('loads in OpenSSL 3 with the import password, both 3DES (default) and AES-256', () => {
    expect(() => tls.createSecureContext({ pfx, passphrase: importPassword })).not.toThrow();
    const aes = toPkcs12(client, ca.certPem, importPassword, 'P13000123', 'aes256');
    expect(() => tls.createSecureContext({ pfx: aes, passphrase: importPassword })).not.toThrow();
  });

  it('does not load with a wrong import password', () => {
    expect(() => tls.createSecureContext({ pfx, passphrase: `${importPassword}x` })).toThrow(/mac verify failure/i);
    expect(() => tls.createSecureContext({ pfx })).toThrow();
  });

  it('refuses non-ASCII or short import passwords', () => {
    expect(() => toPkcs12(client, ca.certPem, 'パスワードパスワード', 'x')).toThrow(/ASCII/);
    expect(() => toPkcs12(client, ca.certPem, 'short', 'x')).toThrow(/ASCII/);
  });

  it('import passwords: 16 unambiguous characters, different every time', () => {
    const a = generateImportPassword();
    expect(a).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
    expect(generateImportPassword()).not.toBe(a);
  });
});

describe('certificate fields', () => {
  it('client: CN is the login ID, O keeps Japanese text, clientAuth only, issued by our CA', () => {
    const x = new X509Certificate(client.certPem);
    const caX = new X509Certificate(ca.certPem);
    expect(x.subject.split('\n')).toEqual([`O=${ORG}`, 'serialNumber=1234567890123', 'CN=P13000123']);
    expect(client.subject).toBe(`CN=P13000123,serialNumber=1234567890123,O=${ORG}`);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(x.ca).toBe(false);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.issuer).toBe(caX.subject);
    expect(client.fingerprint256).toBe(x.fingerprint256);
    expect(client.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(client.serialNumber).toBe(normaliseSerial(x.serialNumber));
    expect(client.serialNumber).toMatch(/^[1-9A-F][0-9A-F]{0,31}$/);
  });

  it('validity: notAfter = now + validity (3 years by default), notBefore slightly backdated', () => {
    const now = new Date();
    const c = issueClientCertificate(ca, { commonName: 'P13000124' }, { validityDays: 90, now });
    expect(Math.abs(c.notAfter.getTime() - (now.getTime() + 90 * 86_400_000))).toBeLessThan(2000);
    expect(c.notBefore.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - c.notBefore.getTime()).toBeLessThan(10 * 60_000);
    const threeYears = new Date(client.notBefore.getTime());
    threeYears.setUTCFullYear(threeYears.getUTCFullYear() + 3);
    expect(Math.abs(client.notAfter.getTime() - threeYears.getTime())).toBeLessThan(10 * 60_000 + 5000);
    expect(new Date(new X509Certificate(c.certPem).validTo)).toEqual(c.notAfter);
  });

  it('serial numbers differ between two issues to the same login', () => {
    const again = issueClientCertificate(ca, { commonName: 'P13000123', organization: ORG });
    expect(again.serialNumber).not.toBe(client.serialNumber);
    expect(again.fingerprint256).not.toBe(client.fingerprint256);
  });

  it('CA: self-signed, CA:true', () => {
    const caX = new X509Certificate(ca.certPem);
    expect(caX.ca).toBe(true);
    expect(caX.checkIssued(caX)).toBe(true);
    expect(caX.subject).toBe('O=環境省 PRTR\nCN=PRTR Registry Test CA');
  });

  it('server: subjectAltName carries DNS and IP entries, serverAuth', () => {
    const x = new X509Certificate(serverCert.certPem);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('refuses a CA key that does not belong to the CA certificate', () => {
    const other = createCertificateAuthority({ commonName: 'Other' });
    expect(() => issueClientCertificate({ certPem: ca.certPem, keyPem: other.keyPem }, { commonName: 'X' })).toThrow(
      /does not match/,
    );
  });

  it('normaliseSerial', () => {
    expect(normaliseSerial('0a:1b:00')).toBe('A1B00');
    expect(normaliseSerial('00FF')).toBe('FF');
    expect(normaliseSerial('00')).toBe('0');
    expect(() => normaliseSerial('xyz')).toThrow();
  });
});
