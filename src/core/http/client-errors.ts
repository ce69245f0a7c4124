import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { errorSpec } from '../errors/domain-error';
import { sendError } from '../errors/error-response';
import { applyKeepAlive } from './keep-alive';

/** What Node's HTTP parser refused, by its error code (the statuses Node itself would answer with). */
const CODE_BY_PARSER_ERROR: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'HEADER_TOO_LARGE', // 431
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'PAYLOAD_TOO_LARGE', // 413
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT', // 408
};

const logger = new Logger('HTTP');

/**
 * A request Node's HTTP parser refuses (headers over the size limit, a malformed request line, a
 * request not received in time) never reaches Express: Node answers it on the socket with a bare
 * status line. This answers it in the API's error format instead (`{code, message, details,
 * requestId}`, Japanese: no header of the request can be trusted to choose the language), and
 * closes the connection as Node does.
 */
export function answerClientErrors(server: Pick<Server, 'on'>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    // the peer is gone, or a response is already on its way: nothing can be written
    if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const code = CODE_BY_PARSER_ERROR[error.code ?? ''] ?? 'BAD_REQUEST';
    const spec = errorSpec(code)!;
    const requestId = randomUUID();
    const body = JSON.stringify({ code, message: spec.ja, details: {}, requestId });
    logger.log({ msg: 'request refused by the HTTP parser', code, status: spec.status, parserError: error.code, requestId });
    socket.end(
      `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

/**
 * The other answers Node writes itself, in the API's format:
 * - an `Expect` header other than `100-continue`: 417 EXPECTATION_FAILED (Node's bare 417 otherwise);
 * - an HTTP/1.1 request without `Host`: Node's own check (a bare 400) is turned off here and the same
 *   rule is applied by hostHeaderMiddleware, which answers 400 BAD_REQUEST in the error format.
 */
export function answerNodeRefusals(server: Server): void {
  (server as Server & { requireHostHeader?: boolean }).requireHostHeader = false;
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const spec = errorSpec('EXPECTATION_FAILED')!;
    const requestId = randomUUID();
    const body = JSON.stringify({ code: 'EXPECTATION_FAILED', message: spec.ja, details: { expect: req.headers.expect ?? null }, requestId });
    res.writeHead(spec.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(body),
      'X-Request-Id': requestId,
      Connection: 'close',
    });
    res.end(body);
  });
}

/** An HTTP/1.1 request must name its Host (RFC 9112 §3.2); see answerNodeRefusals. Register first. */
export function hostHeaderMiddleware(req: Request, res: Response, next: NextFunction) {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
    res.setHeader('Connection', 'close');
    return sendError(req, res, 'BAD_REQUEST', { header: 'Host' });
  }
  next();
}

/** The settings every server of the app gets (the plain HTTP one and the PRTR TLS one alike). */
export function applyServerSettings(server: Server, keepAliveMs: number): void {
  applyKeepAlive(server, keepAliveMs);
  answerClientErrors(server);
  answerNodeRefusals(server);
}
