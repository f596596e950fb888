import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to the text, when the mail carries links worth clicking. */
  html?: string;
}

export interface Mailer {
  /** True when mail really leaves Waymark; false when it is only written to the log. */
  readonly delivers: boolean;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * Mail goes over SMTP when SMTP_URL is set. Without it, development writes each mail to the log
 * and the pages show admins the links they would have carried.
 */
export function createMailer(options: {
  smtpUrl?: string | undefined;
  from: string;
  logger: FastifyBaseLogger;
  /** Only in development may a mail's text (with its one-time link) reach the log. */
  logBodies: boolean;
}): Mailer {
  if (!options.smtpUrl) {
    return {
      delivers: false,
      async send(mail) {
        options.logger.info(
          {
            mail: {
              to: mail.to,
              subject: mail.subject,
              ...(options.logBodies ? { text: mail.text } : {}),
            },
          },
          'Mail not sent: SMTP_URL is not set',
        );
      },
      close() {},
    };
  }
  const transport: Transporter = nodemailer.createTransport(options.smtpUrl);
  return {
    delivers: true,
    async send(mail) {
      await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
