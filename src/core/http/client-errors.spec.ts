import { createServer } from 'node:http';
import { answerClientErrors } from './client-errors';

/** A socket stand-in that records what the handler writes. */
function fakeSocket(options: { writable?: boolean; headersSent?: boolean } = {}) {
  const socket = {
    writable: options.writable ?? true,
    _httpMessage: options.headersSent === undefined ? undefined : { headersSent: options.headersSent },
    written: null as string | null,
    destroyed: false,
    end(data: string) {
      socket.written = data;
    },
    destroy() {
      socket.destroyed = true;
    },
  };
  return socket;
}

const parserError = (code: string) => Object.assign(new Error(code), { code });

describe('answers to requests the HTTP parser refuses', () => {
  const server = createServer();
  answerClientErrors(server);

  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'Request Header Fields Too Large', 'HEADER_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'Request Timeout', 'REQUEST_TIMEOUT'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'Payload Too Large', 'PAYLOAD_TOO_LARGE'],
    ['HPE_INVALID_METHOD', 400, 'Bad Request', 'BAD_REQUEST'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'Bad Request', 'BAD_REQUEST'],
  ])('%s -> %d with the JSON error body', (parser, status, reason, code) => {
    const socket = fakeSocket();
    server.emit('clientError', parserError(parser), socket);
    const [head, body] = socket.written!.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${reason}`);
    expect(head).toContain('Content-Type: application/json; charset=utf-8');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(head).toContain('Connection: close');
    const parsed = JSON.parse(body);
    expect(parsed).toEqual({ code, message: expect.stringMatching(/[\u3040-\u30ff\u4e00-\u9faf]/), details: {}, requestId: expect.any(String) });
    expect(head).toContain(`X-Request-Id: ${parsed.requestId}`);
  });

  it('writes nothing on a reset connection, a closed socket or after a response began: it closes the socket', () => {
    for (const [error, socket] of [
      [parserError('ECONNRESET'), fakeSocket()],
      [parserError('HPE_INVALID_METHOD'), fakeSocket({ writable: false })],
      [parserError('HPE_INVALID_METHOD'), fakeSocket({ headersSent: true })],
    ] as const) {
      server.emit('clientError', error, socket);
      expect([socket.written, socket.destroyed]).toEqual([null, true]);
    }
  });
});
