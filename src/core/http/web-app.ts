import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { static as serveStatic } from 'express';

/** Where the built front end lives: web/dist at the repository root (from src/ in tests, dist/src/ when started). */
export function findWebDist(from = __dirname): string | null {
  for (const up of ['../../..', '../../../..']) {
    const dir = path.resolve(from, up, 'web', 'dist');
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

/** Paths that belong to the server, never to the browser app: they keep their JSON answers (404 included). */
export function isServerPath(urlPath: string): boolean {
  return /^\/(api|health)(\/|$)/.test(urlPath);
}

/** The app's page: only its own scripts and styles, never framed. */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/**
 * The single-page app at `/`: the files of web/dist, and for any other GET of a page (not /api,
 * not /health, not something that looks like a file) index.html, so the app's own routes survive
 * a reload (history fallback). Hashed assets are cached for good; index.html is revalidated.
 */
export function webAppMiddleware(distDir: string): RequestHandler[] {
  const files = serveStatic(distDir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders(res, filePath) {
      res.setHeader(
        'Cache-Control',
        filePath.startsWith(path.join(distDir, 'assets') + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const indexFile = path.join(distDir, 'index.html');
  const fallback = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // a missing file (an old asset, a typo) or a dot file is a plain 404, not the app's page under
    // a JS or CSS name
    if (path.posix.extname(req.path) !== '' || req.path.includes('/.')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
    res.sendFile(indexFile, (error) => error && next(error));
  };
  const pagesOnly = (handler: RequestHandler): RequestHandler => (req, res, next) =>
    isServerPath(req.path) ? next() : handler(req, res, next);
  return [pagesOnly(files), pagesOnly(fallback)];
}
