import type { ServerOptions } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import { normaliseSerial } from './ca';

/** What the TLS layer saw of the client's certificate; the app decides per route whether that is enough. */
export interface PeerCertificateInfo {
  /** Normalised as `IssuedCertificate.serialNumber` (uppercase hex, no leading zeros, no colons). */
  serialNumber: string;
  /** 'AB:CD:…', as `IssuedCertificate.fingerprint256`. */
  fingerprint256: string;
  subjectCN: string | null;
  /** The certificate chains to our CA (`ca` in the server options) and is within its validity period. */
  authorized: boolean;
  /** OpenSSL's reason when not authorized, e.g. 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED'. */
  authorizationError: string | null;
}

interface TlsSocketLike {
  getPeerCertificate(detailed?: boolean): PeerCertificate | Record<string, never> | null;
  authorized?: boolean;
  authorizationError?: unknown;
}

/**
 * The client certificate presented on `socket` (Express: `req.socket` when served over https), or null when
 * the connection is not TLS or the client sent no certificate.
 *
 * `authorized` alone does not make a filer: the server accepts any certificate at the handshake
 * (`rejectUnauthorized: false`), and revocation is not checked here. A route must require
 * `authorized === true` AND match serialNumber/fingerprint256 against the login's current, unrevoked certificate.
 */
export function peerCertificateOf(socket: unknown): PeerCertificateInfo | null {
  if (!isTlsSocket(socket)) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || typeof cert !== 'object' || !('serialNumber' in cert) || !cert.serialNumber || !cert.fingerprint256) {
    return null;
  }
  const authorized = socket.authorized === true;
  return {
    serialNumber: normaliseSerial(cert.serialNumber),
    fingerprint256: cert.fingerprint256.toUpperCase(),
    subjectCN: firstValue(cert.subject?.CN),
    authorized,
    authorizationError: authorized ? null : (errorText(socket.authorizationError) ?? 'UNKNOWN'),
  };
}

/**
 * https server options for optional TLS client authentication against our CA: every client is asked for a
 * certificate, none is required at the handshake (non-PRTR routes work without one), and certificates that
 * do not chain to `caCertPem` arrive with `authorized === false`.
 */
export function httpsServerOptions(opts: { certPem: string; keyPem: string; caCertPem: string }): ServerOptions {
  return {
    cert: opts.certPem,
    key: opts.keyPem,
    ca: opts.caCertPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}

function isTlsSocket(socket: unknown): socket is TlsSocketLike {
  return (
    typeof socket === 'object' &&
    socket !== null &&
    (socket as { encrypted?: unknown }).encrypted === true &&
    typeof (socket as { getPeerCertificate?: unknown }).getPeerCertificate === 'function'
  );
}

function firstValue(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Node sets authorizationError to OpenSSL's code string on servers; the typings say Error. Accept both. */
function errorText(err: unknown): string | null {
  if (typeof err === 'string') return err || null;
  if (err && typeof err === 'object') {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof message === 'string' && message) return message;
  }
  return null;
}
