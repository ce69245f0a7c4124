import { randomBytes } from 'node:crypto';
import { RequestMethod, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { AppModule } from './app.module';
import { AuditService } from './modules/audit/audit.service';
import type { Env } from './core/config/env';
import type { RuntimeConfig } from './core/config/runtime-config';
import { embeddedJwtSecret, startEmbeddedDatabase, type EmbeddedDatabase } from './core/database/embedded';
import { JsonLogger } from './core/logging/json-logger';
import { applyServerSettings, hostHeaderMiddleware } from './core/http/client-errors';
import { findWebDist, webAppMiddleware } from './core/http/web-app';
import {
  accessLogMiddleware,
  bodyParserErrorMiddleware,
  contentTypeMiddleware,
  jsonBodyGuardMiddleware,
  JSON_MEDIA_TYPE,
  noSniffMiddleware,
  requestIdMiddleware,
  verifyJsonBody,
} from './core/http/middleware';

export const API_PREFIX = 'api/v1';

/** Resolves the database (starting the embedded one when DATABASE_URL is unset) and the JWT secret. */
export async function resolveRuntime(env: Env): Promise<{ config: RuntimeConfig; embedded?: EmbeddedDatabase }> {
  if (env.DATABASE_URL) {
    return {
      config: { env, databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, jwtSecret: env.JWT_SECRET!, embedded: false },
    };
  }
  const embedded = await startEmbeddedDatabase(env.DATA_DIR);
  const jwtSecret = env.JWT_SECRET ?? embeddedJwtSecret(env.DATA_DIR, () => randomBytes(48).toString('base64url'));
  // One pooled connection: see embedded.ts for why.
  return { config: { env, databaseUrl: embedded.url, poolSize: 1, jwtSecret, embedded: true }, embedded };
}

/** Builds the HTTP application with all the plumbing; used by main.ts and by the e2e tests alike. */
export async function createApp(
  config: RuntimeConfig,
  logger = new JsonLogger(config.env.LOG_LEVEL),
  extraModules: Type[] = [],
) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, extraModules), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  applyServerSettings(app.getHttpServer(), config.env.HTTP_KEEP_ALIVE_TIMEOUT_MS);
  // No ETag on API responses: Express would hash every response body (SHA-1) for a header that no
  // client of this API sends back (there are no conditional requests).
  app.set('etag', false);
  app.use(noSniffMiddleware);
  app.use(requestIdMiddleware);
  app.use(accessLogMiddleware);
  app.use(hostHeaderMiddleware);
  // the browser app (web/dist) at /, with a history fallback; /api and /health are left alone
  const webDist = findWebDist();
  if (webDist) for (const handler of webAppMiddleware(webDist)) app.use(handler);
  else logger.warn({ msg: 'web/dist not found: the browser app is not served (npm start builds it)' }, 'WebApp');
  // every state-changing request is recorded when its response is finished
  app.use(app.get(AuditService).middleware());
  app.use(contentTypeMiddleware);
  app.use(json({ limit: config.env.BODY_LIMIT_BYTES, strict: true, type: JSON_MEDIA_TYPE, verify: verifyJsonBody }));
  app.use(bodyParserErrorMiddleware);
  app.use(jsonBodyGuardMiddleware);
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'health', method: RequestMethod.GET }] });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ASSET Registry API / ASSET登録簿 API')
      .setDescription(
        'The registry of the ASSET emissions-trading scheme and the PRTR filing module. ' +
          'Quantities are decimal strings. Errors: `{code, message, details, requestId}`; ' +
          'messages are Japanese, or English with `Accept-Language: en`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', yamlDocumentUrl: 'api/openapi.yaml' });
  return app;
}
