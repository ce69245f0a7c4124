import { ConfigError, loadEnv } from './env';

describe('loadEnv', () => {
  it('applies the documented defaults in the embedded mode', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.embedded).toBe(true);
    expect(env.JWT_EXPIRES_IN_SECONDS).toBe(900);
    expect(env.BODY_LIMIT_BYTES).toBe(1024 * 1024);
    expect(env.UPLOAD_LIMIT_BYTES).toBe(10 * 1024 * 1024);
    expect(env.LOGIN_MAX_FAILURES).toBe(5);
    expect(env.LOGIN_LOCK_MINUTES).toBe(15);
  });

  it('reads and converts the operator settings', () => {
    const env = loadEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/registry',
      JWT_SECRET: 'a'.repeat(40),
      MIGRATIONS_RUN: 'true',
      SMTP_URL: 'smtp://mail.example.jp:587',
    });
    expect(env.PORT).toBe(8080);
    expect(env.embedded).toBe(false);
    expect(env.MIGRATIONS_RUN).toBe(true);
    expect(env.SMTP_URL).toBe('smtp://mail.example.jp:587');
  });

  it('refuses a real database without a JWT secret (no secret defaults in production)', () => {
    expect(() => loadEnv({ DATABASE_URL: 'postgres://u@db/registry' })).toThrow(/JWT_SECRET: required/);
  });

  it('lists every problem at once', () => {
    let caught: ConfigError | undefined;
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', LOG_LEVEL: 'loud', MIGRATIONS_RUN: 'maybe' });
    } catch (error) {
      caught = error as ConfigError;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const text = caught!.problems.join('\n');
    expect(text).toMatch(/^PORT:/m);
    expect(text).toMatch(/^DATABASE_URL:/m);
    expect(text).toMatch(/^JWT_SECRET: JWT_SECRET must be at least 32/m);
    expect(text).toMatch(/^LOG_LEVEL:/m);
    expect(text).toMatch(/^MIGRATIONS_RUN:/m);
  });

  it('requires the bootstrap login ID and password together', () => {
    expect(() => loadEnv({ BOOTSTRAP_SECRETARIAT_LOGIN_ID: 'admin' })).toThrow(/must be set together/);
    expect(() => loadEnv({ BOOTSTRAP_SECRETARIAT_LOGIN_ID: 'admin', BOOTSTRAP_SECRETARIAT_PASSWORD: 'short' })).toThrow(
      /at least 12/,
    );
  });

  it('treats empty values as unset', () => {
    const env = loadEnv({ DATABASE_URL: '', SMTP_URL: '' });
    expect(env.embedded).toBe(true);
    expect(env.SMTP_URL).toBeUndefined();
  });
});
