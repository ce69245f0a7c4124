import type { Env } from './env';

/** The validated environment plus what was resolved at start (database URL, secret). */
export interface RuntimeConfig {
  env: Env;
  databaseUrl: string;
  poolSize: number;
  jwtSecret: string;
  embedded: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
