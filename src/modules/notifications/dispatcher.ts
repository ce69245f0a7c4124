import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import nodemailer, { type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { render } from './templates';

export interface OutgoingMail {
  id: string;
  messageId: string;
  to: string[];
  subject: string;
  text: string;
}

/**
 * Sends the outbox: claims due messages (SKIP LOCKED, with a lease), sends, marks them sent;
 * failures retry with exponential backoff, then give up as `failed`. A dispatcher that dies after
 * sending and before marking leaves the claim to expire; the resend carries the same Message-ID.
 * Transport: SMTP when SMTP_URL is set; otherwise .eml files in DATA_DIR/mail.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private transporter: Transporter;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    const url = config.env.SMTP_URL;
    this.transporter = url
      ? nodemailer.createTransport(`${url}${url.includes('?') ? '&' : '?'}connectionTimeout=5000&greetingTimeout=5000&socketTimeout=10000`)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  onApplicationBootstrap() {
    if (!this.config.env.NOTIFY_DISPATCH) return;
    const tick = () => {
      this.running = this.runOnce().catch((error) => {
        this.logger.warn({ msg: 'dispatch failed', error: (error as Error).message });
        return 0;
      });
      void this.running.finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.config.env.NOTIFY_POLL_MS);
      });
    };
    this.timer = setTimeout(tick, this.config.env.NOTIFY_POLL_MS);
  }

  async onApplicationShutdown() {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.transporter.close();
  }

  /** Claims up to `limit` due messages and sends them; returns how many were sent. */
  async runOnce(limit = 20, send: (mail: OutgoingMail) => Promise<void> = (mail) => this.send(mail)): Promise<number> {
    const [rows]: [Record<string, any>[], number] = await this.db.query( // eslint-disable-line @typescript-eslint/no-explicit-any
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1,
              lease_until = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM notifications
                      WHERE (status = 'pending' AND next_attempt_at <= now())
                         OR (status = 'sending' AND lease_until < now())
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, event, recipients, payload, subject, body, message_id, attempts`,
      [limit, this.config.env.NOTIFY_LEASE_SECONDS],
    );
    let sent = 0;
    for (const row of rows) {
      try {
        const rendered = row.subject ? { subject: row.subject, text: row.body } : render(row.event, row.payload);
        await send({ id: row.id, messageId: row.message_id, to: row.recipients, subject: rendered.subject, text: rendered.text });
        // only while the claim is still ours (another dispatcher may have taken over an expired lease)
        await this.db.query(
          `UPDATE notifications SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL, subject = $2, body = $3
            WHERE id = $1 AND status = 'sending' AND attempts = $4`,
          [row.id, rendered.subject, rendered.text, row.attempts],
        );
        sent++;
      } catch (error) {
        const giveUp = row.attempts >= this.config.env.NOTIFY_MAX_ATTEMPTS;
        const delay = Math.min(3600_000, this.config.env.NOTIFY_BACKOFF_MS * 2 ** (row.attempts - 1));
        await this.db.query(
          `UPDATE notifications SET status = $2, lease_until = NULL, last_error = $3,
                  next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
            WHERE id = $1 AND status = 'sending' AND attempts = $5`,
          [row.id, giveUp ? 'failed' : 'pending', String((error as Error)?.message ?? error).slice(0, 1000), delay, row.attempts],
        );
        this.logger.warn({ msg: 'mail not sent', id: row.id, attempt: row.attempts, giveUp, error: (error as Error)?.message });
      }
    }
    return sent;
  }

  /** One message through the configured transport. */
  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.transporter.sendMail({
      from: this.config.env.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      headers: { 'X-ASSET-Notification': mail.id },
    });
    if (!this.config.env.SMTP_URL) {
      const dir = join(resolve(this.config.env.DATA_DIR), 'mail');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${mail.id}.eml`), (info as { message: Buffer }).message);
    }
  }
}
