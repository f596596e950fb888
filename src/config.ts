import { z } from 'zod';

/** The only reader of process.env. Every variable Waymark understands is declared here. */
const DEV_SESSION_SECRET = 'waymark-development-secret-change-me-0000000000';

/** A whole number from the environment, with a message a person can act on. */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be ${min} or more`)
    .max(max, `must be ${max} or less`);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: wholeNumber(0, 65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DATABASE_POOL_SIZE: wholeNumber(1, 100).default(10),
    SESSION_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .default(DEV_SESSION_SECRET),
    SESSION_IDLE_MINUTES: wholeNumber(1).default(60),
    SESSION_ABSOLUTE_HOURS: wholeNumber(1).default(12),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Waymark <waymark@localhost>'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    TRUST_PROXY: bool.default(false),
    RATE_LIMIT_PER_MINUTE: wholeNumber(1).default(300),
    SIGN_IN_RATE_LIMIT_PER_MINUTE: wholeNumber(1).default(20),
    SIGN_IN_ATTEMPTS_BEFORE_LOCK: wholeNumber(1).default(10),
    SIGN_IN_LOCK_MINUTES: wholeNumber(1).default(15),
    UPLOAD_LIMIT_MB: wholeNumber(1, 200).default(10),
    OIDC_ALLOW_HTTP: bool.default(false),
    SCHEDULER_ENABLED: bool.default(true),
    SCHEDULER_POLL_SECONDS: wholeNumber(1, 3600).default(30),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.SESSION_SECRET === DEV_SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message:
          'must be set to a long random value in production (the development default is refused)',
      });
    }
    if (c.NODE_ENV === 'production' && c.OIDC_ALLOW_HTTP) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ALLOW_HTTP'],
        message: 'must not be true in production: single sign-on must use HTTPS',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Reads and validates the environment; the message names every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((k) => {
      const v = env[k];
      return v === undefined || v === '' ? [] : [[k, v]];
    }),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(
      `Waymark cannot start: the configuration is not valid.\n${lines.join('\n')}`,
    );
  }
  return parsed.data;
}

/** Documentation of every variable, used by the README test so the table stays complete. */
export const configDocs: Record<keyof Config, string> = {
  NODE_ENV:
    '`development`, `production` or `test`. Production demands a real `SESSION_SECRET` and secure cookies.',
  HOST: 'Address to listen on.',
  PORT: 'Port to listen on.',
  PUBLIC_URL:
    'The address people use to reach Waymark (used in emails and single sign-on). Defaults to `http://HOST:PORT`.',
  DATA_DIR: 'Folder for the embedded database (ignored when `DATABASE_URL` is set).',
  DATABASE_URL:
    'PostgreSQL connection string. When set, Waymark uses PostgreSQL instead of the embedded database.',
  DATABASE_POOL_SIZE: 'Most PostgreSQL connections one Waymark process opens.',
  SESSION_SECRET:
    'At least 32 random characters; signs cookies and encrypts stored secrets. Required in production.',
  SESSION_IDLE_MINUTES: 'A session ends after this many minutes without a request.',
  SESSION_ABSOLUTE_HOURS: 'A session ends this many hours after sign-in, whatever happens.',
  SMTP_URL:
    'Mail server, e.g. `smtp://user:pass@mail.example.org:587`. Without it, mails are written to the log and admins are shown invitation links.',
  MAIL_FROM: 'The sender of Waymark mails.',
  LOG_LEVEL: 'Least important log level written.',
  TRUST_PROXY:
    'Set to `true` behind a reverse proxy so client addresses come from `X-Forwarded-For`.',
  RATE_LIMIT_PER_MINUTE:
    'Requests one address may make per minute (sign-in has its own, stricter limit).',
  SIGN_IN_RATE_LIMIT_PER_MINUTE: 'Sign-in attempts one address may make per minute.',
  SIGN_IN_ATTEMPTS_BEFORE_LOCK: 'Failed sign-ins in a row before an account is locked for a while.',
  SIGN_IN_LOCK_MINUTES: 'How long a locked account stays locked.',
  UPLOAD_LIMIT_MB: 'Largest file that may be uploaded.',
  OIDC_ALLOW_HTTP:
    'Allow single sign-on providers on plain HTTP (local testing only; refused in production).',
  SCHEDULER_ENABLED:
    'Run scheduled jobs (update rounds, reminders) in this process. Safe with several processes on one PostgreSQL: each job is claimed once.',
  SCHEDULER_POLL_SECONDS: 'How often the scheduler looks for jobs that are due.',
};
