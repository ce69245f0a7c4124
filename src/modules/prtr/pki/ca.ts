import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/**
 * The registry's own certificate authority for PRTR client certificates.
 *
 * Keys come from Node's native RSA key generation (forge's pure-JS keygen is far too slow); forge builds,
 * signs and packages the certificates. Serial numbers and fingerprints are read back with Node's own
 * X509Certificate, so they are byte-for-byte what `tls.ts` later reads off a peer certificate.
 */

export interface CaMaterial {
  certPem: string;
  /** PKCS#8 PEM, unencrypted: store it as a secret. */
  keyPem: string;
}

export interface CertificateAndKey {
  certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  keyPem: string;
}

export interface ClientSubject {
  /** The login ID. */
  commonName: string;
  /** The business name; may be Japanese (encoded as UTF8String). */
  organization?: string;
  /** X.520 serialNumber attribute (e.g. the corporate number); PrintableString characters only. */
  serialNumber?: string;
}

export interface IssuedCertificate extends CertificateAndKey {
  /** Uppercase hex, no leading zeros, no colons: equal to `peerCertificateOf(socket).serialNumber`. */
  serialNumber: string;
  /** 'AB:CD:…' as Node's `getPeerCertificate().fingerprint256`. */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514 form, most specific first, e.g. `CN=P0001,O=株式会社サンプル`. */
  subject: string;
}

export interface IssueOptions {
  /** Default: 3 calendar years for client certificates, 397 days for server certificates. */
  validityDays?: number;
  now?: Date;
}

export type Pkcs12Algorithm = '3des' | 'aes256';

const RSA_BITS = 2048;
/** notBefore is backdated a little so a client whose clock runs slightly behind accepts a fresh certificate. */
const BACKDATE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const CLIENT_VALIDITY_YEARS = 3;
const SERVER_VALIDITY_DAYS = 397;
const PKCS12_ITERATIONS = 10_000; // forge encodes the MAC iteration count only below 65536

// No 0/O, 1/l/I: import passwords are read off a notice and typed by hand.
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function createCertificateAuthority(opts: {
  commonName: string;
  organization?: string;
  validityYears?: number;
  now?: Date;
}): CaMaterial {
  const now = opts.now ?? new Date();
  const { publicKeyPem, keyPem } = newRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = addUtcYears(now, opts.validityYears ?? 10);
  const name = distinguishedName({ commonName: opts.commonName, organization: opts.organization });
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

export function issueClientCertificate(
  ca: CaMaterial,
  subject: ClientSubject,
  opts: IssueOptions = {},
): IssuedCertificate {
  const now = opts.now ?? new Date();
  const notAfter =
    opts.validityDays === undefined ? addUtcYears(now, CLIENT_VALIDITY_YEARS) : addDays(now, opts.validityDays);
  const issued = issue(ca, distinguishedName(subject), notAfter, now, [
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  const x509 = new X509Certificate(issued.certPem);
  return {
    ...issued,
    serialNumber: normaliseSerial(x509.serialNumber),
    fingerprint256: x509.fingerprint256,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    subject: rfc4514(subject),
  };
}

/** A TLS server certificate for `hostnames` (DNS names and IP addresses), signed by the CA. */
export function issueServerCertificate(
  ca: CaMaterial,
  hostnames: string[],
  opts: IssueOptions = {},
): CertificateAndKey {
  if (hostnames.length === 0) throw new Error('issueServerCertificate: at least one hostname is required');
  const now = opts.now ?? new Date();
  const notAfter = addDays(now, opts.validityDays ?? SERVER_VALIDITY_DAYS);
  const altNames = hostnames.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  const cn = hostnames.find((h) => h.length <= 64) ?? 'server';
  return issue(ca, distinguishedName({ commonName: cn }), notAfter, now, [
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
}

/**
 * Packages a certificate, its private key and the CA certificate as PKCS#12 (DER), encrypted with `password`.
 *
 * '3des' (pbeWithSHAAnd3-KeyTripleDES-CBC, the default) is what every certificate store imports, including
 * older Windows and macOS Keychain; 'aes256' is PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC). Both load in
 * OpenSSL 3 without the legacy provider. The MAC is HMAC-SHA1 either way (forge's only choice).
 */
export function toPkcs12(
  cert: CertificateAndKey,
  caCertPem: string,
  password: string,
  friendlyName: string,
  algorithm: Pkcs12Algorithm = '3des',
): Buffer {
  // forge's PBES2 path feeds the password to PBKDF2 as raw char codes, unlike OpenSSL's UTF-8: keep to ASCII.
  if (!/^[\x20-\x7e]{8,128}$/.test(password)) {
    throw new Error('toPkcs12: the import password must be 8-128 printable ASCII characters');
  }
  // forge also reads prfAlgorithm (PBES2 only) from these options; the typings do not list it.
  const options = {
    algorithm,
    prfAlgorithm: 'sha256',
    friendlyName,
    count: PKCS12_ITERATIONS,
    saltSize: 16,
    generateLocalKeyId: true,
  };
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(cert.keyPem),
    [forge.pki.certificateFromPem(cert.certPem), forge.pki.certificateFromPem(caCertPem)],
    password,
    options,
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** 16 characters (~93 bits) from an alphabet without 0/O/1/l/I. */
export function generateImportPassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

/** '0a:1B:…' or '0A1B…' → 'A1B…' (uppercase hex, no separators, no leading zeros; '0' for zero). */
export function normaliseSerial(hexOrColons: string): string {
  const hex = hexOrColons.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) throw new Error(`normaliseSerial: not a hex serial number: ${hexOrColons}`);
  return hex.replace(/^0+/, '') || '0';
}

// ---------------------------------------------------------------------------------------------------------------

function issue(
  ca: CaMaterial,
  subject: forge.pki.CertificateField[],
  notAfter: Date,
  now: Date,
  extensions: object[],
): CertificateAndKey {
  const caCert = loadCa(ca);
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  if (!(notAfter.getTime() > now.getTime())) throw new Error('The validity period must be positive');
  if (notAfter.getTime() > caCert.validity.notAfter.getTime()) {
    throw new Error('The certificate would outlive the CA certificate');
  }
  const { publicKeyPem, keyPem } = newRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuerName(caCert));
  cert.setExtensions([
    ...extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(caCert) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  // Guard: the issuer name must match the CA's subject byte for byte, or nothing will chain to the CA.
  if (!new X509Certificate(certPem).checkIssued(new X509Certificate(ca.certPem))) {
    throw new Error('The issued certificate does not chain to the CA certificate');
  }
  return { certPem, keyPem };
}

/**
 * The CA's subject as attributes for setIssuer. forge parses UTF8String values as raw UTF-8 bytes but encodes
 * them again when writing, so reusing `caCert.subject.attributes` as they are would double-encode a Japanese
 * CA name and break the chain: decode them first.
 */
function issuerName(caCert: forge.pki.Certificate): forge.pki.CertificateField[] {
  return caCert.subject.attributes.map((attr) =>
    (attr.valueTagClass as unknown) === forge.asn1.Type.UTF8 && typeof attr.value === 'string'
      ? { ...attr, value: forge.util.decodeUtf8(attr.value) }
      : attr,
  );
}

function loadCa(ca: CaMaterial): forge.pki.Certificate {
  const native = new X509Certificate(ca.certPem);
  if (!native.ca) throw new Error('The CA certificate is not a CA certificate (basicConstraints CA:false)');
  if (!native.checkPrivateKey(createPrivateKey(ca.keyPem))) {
    throw new Error('The CA private key does not match the CA certificate');
  }
  return forge.pki.certificateFromPem(ca.certPem);
}

/** The CA's own subjectKeyIdentifier (as bytes), so the authorityKeyIdentifier matches it exactly. */
function caKeyIdentifier(caCert: forge.pki.Certificate): string {
  const ext = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return ext?.subjectKeyIdentifier
    ? forge.util.hexToBytes(ext.subjectKeyIdentifier)
    : caCert.generateSubjectKeyIdentifier().getBytes();
}

function newRsaKeyPair(): { publicKeyPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, keyPem: privateKey };
}

/**
 * 16 random bytes as a positive, minimally encoded DER INTEGER: the first byte is 0x01-0x7F
 * (high bit clear → positive; non-zero → no padding, which OpenSSL rejects as illegal).
 */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}

// @types/node-forge types valueTagClass as asn1.Class, but forge reads it as the universal tag (asn1.Type).
const UTF8_STRING = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
const PRINTABLE = forge.asn1.Type.PRINTABLESTRING as unknown as forge.asn1.Class;
const PRINTABLE_STRING = /^[A-Za-z0-9 '()+,\-./:=?]+$/;

/** Subject in the order O, serialNumber, CN (most specific last); text attributes as UTF8String. */
function distinguishedName(subject: ClientSubject): forge.pki.CertificateField[] {
  const attrs: forge.pki.CertificateField[] = [];
  const text = (value: string, field: string, max: number): string => {
    if (value.trim() === '' || [...value].length > max) {
      throw new Error(`The certificate ${field} must be 1-${max} characters`);
    }
    return value;
  };
  if (subject.organization !== undefined) {
    attrs.push({
      name: 'organizationName',
      value: text(subject.organization, 'organization', 64),
      valueTagClass: UTF8_STRING,
    });
  }
  if (subject.serialNumber !== undefined) {
    if (!PRINTABLE_STRING.test(subject.serialNumber) || subject.serialNumber.length > 64) {
      throw new Error('The certificate subject serialNumber must be 1-64 PrintableString characters');
    }
    attrs.push({ type: '2.5.4.5', value: subject.serialNumber, valueTagClass: PRINTABLE });
  }
  attrs.push({
    name: 'commonName',
    value: text(subject.commonName, 'common name', 64),
    valueTagClass: UTF8_STRING,
  });
  return attrs;
}

function rfc4514(subject: ClientSubject): string {
  const escape = (v: string) =>
    v
      .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
      .replace(/^([ #])/, '\\$1')
      .replace(/ $/, '\\ ');
  const parts = [`CN=${escape(subject.commonName)}`];
  if (subject.serialNumber !== undefined) parts.push(`serialNumber=${escape(subject.serialNumber)}`);
  if (subject.organization !== undefined) parts.push(`O=${escape(subject.organization)}`);
  return parts.join(',');
}

function addDays(date: Date, days: number): Date {
  if (!Number.isFinite(days) || days <= 0) throw new Error('validityDays must be a positive number');
  return new Date(date.getTime() + days * DAY_MS);
}

function addUtcYears(date: Date, years: number): Date {
  if (!Number.isInteger(years) || years <= 0) throw new Error('validityYears must be a positive integer');
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}
