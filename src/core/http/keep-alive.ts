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
 * While the server stops: close() closes the connections idle at that moment and waits for the
 * others, and a keep-alive connection whose request is still in flight would, after its response,
 * stay open for the whole keep-alive timeout. From now on a connection closes 100 ms after its last
 * response. (Closing idle connections over and over instead would also cut a connection whose first
 * request is on its way but not yet read.)
 */
export function shortenKeepAliveForShutdown(server: Pick<Server, 'keepAliveTimeout'>): void {
  server.keepAliveTimeout = 100;
}
