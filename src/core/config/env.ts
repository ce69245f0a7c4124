import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the registry reads from its environment, validated once at start.
 * Names are the operator-facing contract: keep them stable.
 */
export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** A real PostgreSQL (production). Unset: the embedded PGlite database in DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Pool size towards a real PostgreSQL. The embedded database always uses one connection. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Run pending migrations at start when DATABASE_URL is set (the embedded mode always does). */
  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = false;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** HMAC secret for access tokens. Required with DATABASE_URL; generated and kept in DATA_DIR otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Access-token lifetime in seconds (default 15 minutes). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  JWT_EXPIRES_IN_SECONDS = 900;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Largest JSON request body, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * How long an idle keep-alive connection stays open, in ms. Longer than the idle timeout of the
   * reverse proxy or load balancer in front (commonly 60 s): a server that closes first races the
   * proxy's next request on that connection, and the proxy answers 502.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65000;

  /** Largest uploaded file, in bytes (default 10 MB). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(200 * 1024 * 1024)
  UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

  /** Worker threads that read uploaded files (0: from the machine's parallelism, 1 to 4). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(32)
  FILE_WORKERS = 0;

  /** Wall-clock limit for reading one uploaded file in a worker, in ms (then 422 FILE_PARSE_TIMEOUT). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(600000)
  FILE_PARSE_TIMEOUT_MS = 10000;

  /** Heap limit of each file worker, in MB (a file that needs more: 422 FILE_PARSE_MEMORY_EXCEEDED). */
  @Transform(toInt)
  @IsInt()
  @Min(64) // below ~48 MB a worker cannot even load the parser
  @Max(16384)
  FILE_PARSE_MEMORY_MB = 512;

  /** Outgoing mail, e.g. smtp://user:pass@host:587. Unset: mails stay in the outbox only. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender of notification mails. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'ASSET Registry <no-reply@asset-registry.example>';

  /** The secretariat's mailbox: approval requests and applications are sent there too. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'SECRETARIAT_EMAIL must be an email address' })
  SECRETARIAT_EMAIL?: string;

  /** Run the outbox dispatcher in this process. */
  @Transform(toBool)
  @IsBoolean()
  NOTIFY_DISPATCH = true;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(600000)
  NOTIFY_POLL_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  NOTIFY_MAX_ATTEMPTS = 8;

  /** First retry delay; doubles with every attempt (capped at one hour). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  NOTIFY_BACKOFF_MS = 5000;

  /** How long a claimed message stays claimed before another dispatcher may resend it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  NOTIFY_LEASE_SECONDS = 60;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'BOOTSTRAP_SECRETARIAT_LOGIN_ID must be 3-64 of A-Z a-z 0-9 _ . -' })
  BOOTSTRAP_SECRETARIAT_LOGIN_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'BOOTSTRAP_SECRETARIAT_PASSWORD must be at least 12 characters' })
  @MaxLength(256)
  BOOTSTRAP_SECRETARIAT_PASSWORD?: string;

  /** Failed logins in a row before a login is locked. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  LOGIN_LOCK_MINUTES = 15;

  /** Anonymous applications accepted per client address and window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  APPLICATION_RATE_LIMIT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  APPLICATION_RATE_WINDOW_SECONDS = 600;

  /** Grace period for in-flight requests at shutdown, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_GRACE_MS = 10000;

  /** PRTR: serve HTTPS and require a current client certificate on the PRTR filer routes. */
  @Transform(toBool)
  @IsBoolean()
  PRTR_CLIENT_CERT_REQUIRED = false;

  /** Encrypts the PRTR CA's private key at rest (default: the JWT secret; changing it makes the stored key unreadable). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16)
  PRTR_CA_KEY_PASSPHRASE?: string;

  /** PEM files of the HTTPS server's certificate and key; without them the registry's own CA issues one for TLS_HOSTNAMES. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9.:,-]+$/)
  TLS_HOSTNAMES = 'localhost,127.0.0.1';

  /** The address users reach the registry at (links in mails, e.g. certificate downloads). */
  @IsString()
  @Matches(/^https?:\/\/[^\s]+$/)
  PUBLIC_BASE_URL = 'http://localhost:3000';

  /** Electronic-filing deadlines per filing year (filing year:MM-DD), later than the statutory Jun 30 window. */
  @IsString()
  @Matches(/^(\d{4}:\d{2}-\d{2})?(,\d{4}:\d{2}-\d{2})*$/)
  PRTR_ELECTRONIC_DEADLINES = '2022:07-31,2023:07-31,2024:07-31';

  /** Last day (MM-DD of the filing year) on which amendments and withdrawals are accepted. */
  @IsString()
  @Matches(/^\d{2}-\d{2}$/)
  PRTR_AMENDMENT_CUTOFF = '11-30';

  get embedded(): boolean {
    return !this.DATABASE_URL;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the given environment; throws ConfigError listing every problem at once. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const known = Object.keys(new Env());
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  const env = plainToInstance(Env, picked, { exposeDefaultValues: true });
  const problems: string[] = [];
  for (const error of validateSync(env, { whitelist: true })) {
    for (const message of Object.values(error.constraints ?? {})) problems.push(`${error.property}: ${message}`);
  }
  if (!env.embedded && !env.JWT_SECRET) {
    problems.push('JWT_SECRET: required when DATABASE_URL is set (no default secret outside the embedded mode)');
  }
  if (Boolean(env.BOOTSTRAP_SECRETARIAT_LOGIN_ID) !== Boolean(env.BOOTSTRAP_SECRETARIAT_PASSWORD)) {
    problems.push('BOOTSTRAP_SECRETARIAT_LOGIN_ID and BOOTSTRAP_SECRETARIAT_PASSWORD must be set together');
  }
  if (problems.length) throw new ConfigError(problems);
  return env;
}
