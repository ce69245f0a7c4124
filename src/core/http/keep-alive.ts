import type { Server } from 'node:http';

/**
 * Idle keep-alive connections stay open `ms` (HTTP_KEEP_ALIVE_TIMEOUT_MS). Node's default (5 s) is
 * shorter than the idle timeout of the proxies usually in front (60 s): the server would close a
 * connection just as the proxy sends its next request on it, and that request fails (a 502 at the
 * proxy, ECONNRESET at a client). The header timeout stays longer than the keep-alive one, so an
 * idle connection always ends by the keep-alive rule.
 */
export function applyKeepAlive(server: Pick<Server, 'keepAliveTimeout' | 'headersTimeout'>, ms: number): void {
  server.keepAliveTimeout = ms;
  server.headersTimeout = ms + 1000;
}

/**
 * While the server stops: `close()` waits for every connection to end, and a keep-alive connection
 * whose last request finishes after it would stay open for the whole keep-alive timeout. This closes
 * connections as soon as they are idle (a request in flight is never cut) until the process ends.
 */
export function closeIdleWhileStopping(server: Pick<Server, 'closeIdleConnections'>, everyMs = 100): void {
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), everyMs).unref();
}
