import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { Login } from './entities/login.entity';
import { generatePassword, hashPassword } from './passwords';

export const GENERATED_SECRETARIAT_LOGIN_ID = 'secretariat';
export const FIRST_LOGIN_FILE = 'first-secretariat-login.txt';

/**
 * The first secretariat login, created at first start when the registry has none:
 * from BOOTSTRAP_SECRETARIAT_LOGIN_ID / _PASSWORD, or, in the embedded mode with neither set,
 * generated, printed once and kept in DATA_DIR/first-secretariat-login.txt (mode 0600).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSecretariat();
  }

  async ensureSecretariat(): Promise<void> {
    const logins = this.db.getRepository(Login);
    const { BOOTSTRAP_SECRETARIAT_LOGIN_ID: loginId, BOOTSTRAP_SECRETARIAT_PASSWORD: password } = this.config.env;
    if (loginId && password) {
      const created = await this.create(loginId, password);
      if (created) this.logger.log({ msg: 'bootstrap secretariat login created', loginId });
      return;
    }
    if (await logins.exists({ where: { role: 'secretariat' } })) return;
    if (!this.config.embedded) {
      this.logger.warn({
        msg: 'no secretariat login exists: set BOOTSTRAP_SECRETARIAT_LOGIN_ID and BOOTSTRAP_SECRETARIAT_PASSWORD and restart',
      });
      return;
    }
    const generated = generatePassword(20);
    if (!(await this.create(GENERATED_SECRETARIAT_LOGIN_ID, generated))) return;
    const file = join(resolve(this.config.env.DATA_DIR), FIRST_LOGIN_FILE);
    const text =
      `First secretariat login / 最初の事務局ログイン\n` +
      `  loginId:  ${GENERATED_SECRETARIAT_LOGIN_ID}\n  password: ${generated}\n`;
    writeFileSync(file, text, { mode: 0o600 });
    process.stdout.write(
      `\n==================================================================\n${text}` +
        `  (shown once; also kept in ${file} — delete it after first use)\n` +
        `==================================================================\n\n`,
    );
  }

  /** Inserts the login unless that login ID exists already; true when it was created. */
  private async create(loginId: string, password: string): Promise<boolean> {
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(Login)
      .values({
        loginId,
        role: 'secretariat',
        displayName: '環境省 事務局 (Secretariat)',
        passwordHash: await hashPassword(password),
        mustChangePassword: false,
        isBootstrap: true,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return result.raw.length > 0;
  }
}
