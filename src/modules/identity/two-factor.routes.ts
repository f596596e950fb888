import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { SESSION_COOKIE, signedIn } from '../../kernel/auth/plugin.js';
import { parseInput } from '../../kernel/http/validation.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { personActor } from './password-reset.service.js';
import { startSession, TOO_MANY_CODES } from './sign-in.routes.js';
import { safeNext } from './sign-in.service.js';
import {
  formatKey,
  MAX_TWO_FACTOR_FAILURES,
  otpauthUri,
  qrCodeSvg,
  QR_DESCRIPTION,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
} from './two-factor.rules.js';
import {
  confirmSetUp,
  countWrongCode,
  giveUpSecondStep,
  makeNewRecoveryCodes,
  pendingSecret,
  startSetUp,
  turnOff,
  twoFactorStatus,
  verifySecondStep,
} from './two-factor.service.js';

const setUpSchema = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code from your authenticator app' })
    .trim()
    .min(1, 'Enter the 6-digit code from your authenticator app'),
});

const passwordSchema = z.object({
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password'),
});

const secondStepSchema = z.object({
  code: z
    .string({ error: 'Enter the code from your authenticator app, or a recovery code' })
    .trim()
    .min(1, 'Enter the code from your authenticator app, or a recovery code')
    .max(64, 'Enter the code from your authenticator app, or a recovery code'),
  next: z.string().optional(),
});

const WRONG_SET_UP_CODE =
  'The code is not right. Enter the code the app shows now, and check the time on your phone is set automatically';
const WRONG_PASSWORD = 'Your password is not right: check it and try again';

export const twoFactorRoutes: FastifyPluginAsync = async (app) => {
  const { config, secrets } = app.deps;
  const { db } = app.deps.database;
  const rateLimit = { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };
  const signedInOnly = { config: { access: 'signed-in' as const } };
  const signedInLimited = { config: { access: 'signed-in' as const, rateLimit } };

  app.get('/account/two-factor', signedInOnly, async (request, reply) => {
    const auth = signedIn(request);
    const status = await twoFactorStatus(db, auth.user.id);
    return reply.page('identity/views/two-factor.njk', {
      title: 'Two-step verification',
      status,
      requiredBy:
        auth.organisation?.requireTwoFactor && !status.enabledAt ? auth.organisation.name : null,
    });
  });

  app.post('/account/two-factor/start', signedInOnly, async (request, reply) => {
    const auth = signedIn(request);
    const status = await twoFactorStatus(db, auth.user.id);
    if (!status.hasPassword || !(await startSetUp({ db, secrets }, auth.user.id))) {
      return reply.redirect('/account/two-factor', 303);
    }
    return reply.redirect('/account/two-factor/set-up', 303);
  });

  async function renderSetUp(
    reply: FastifyReply,
    secret: string,
    email: string,
    errors?: FieldError[],
  ) {
    return reply.page(
      'identity/views/two-factor-set-up.njk',
      {
        title: 'Set up two-step verification',
        qrSvg: await qrCodeSvg(otpauthUri(secret, email)),
        qrDescription: QR_DESCRIPTION,
        key: formatKey(secret),
        email,
        digits: TOTP_DIGITS,
        period: TOTP_PERIOD_SECONDS,
        ...(errors ? { errors } : {}),
      },
      errors ? 400 : undefined,
    );
  }

  app.get('/account/two-factor/set-up', signedInOnly, async (request, reply) => {
    const auth = signedIn(request);
    const secret = await pendingSecret({ db, secrets }, auth.user.id);
    if (!secret) return reply.redirect('/account/two-factor', 303);
    return renderSetUp(reply, secret, auth.user.email);
  });

  app.post('/account/two-factor/set-up', signedInLimited, async (request, reply) => {
    const auth = signedIn(request);
    const secret = await pendingSecret({ db, secrets }, auth.user.id);
    if (!secret) return reply.redirect('/account/two-factor', 303);
    const parsed = parseInput(setUpSchema, request.body);
    if (!parsed.ok) return renderSetUp(reply, secret, auth.user.email, parsed.errors);
    const codes = await confirmSetUp(
      { db, secrets },
      auth.user.id,
      parsed.data.code,
      request.actor(),
    );
    if (!codes) {
      return renderSetUp(reply, secret, auth.user.email, [
        { field: 'code', message: WRONG_SET_UP_CODE },
      ]);
    }
    // Shown in this answer only: the codes are never stored in the clear, so a reload cannot show them again.
    return reply.page('identity/views/recovery-codes.njk', {
      title: 'Two-step verification is on: save your recovery codes',
      codes,
      justTurnedOn: true,
    });
  });

  app.get('/account/two-factor/turn-off', signedInOnly, async (request, reply) => {
    const auth = signedIn(request);
    const status = await twoFactorStatus(db, auth.user.id);
    if (!status.enabledAt) return reply.redirect('/account/two-factor', 303);
    return reply.page('identity/views/two-factor-turn-off.njk', {
      title: 'Turn off two-step verification',
      requiredBy: auth.organisation?.requireTwoFactor ? auth.organisation.name : null,
    });
  });

  app.post('/account/two-factor/turn-off', signedInLimited, async (request, reply) => {
    const auth = signedIn(request);
    const parsed = parseInput(passwordSchema, request.body);
    const ok =
      parsed.ok && (await turnOff(db, auth.user.id, parsed.data.password, request.actor()));
    if (!ok) {
      return reply.page(
        'identity/views/two-factor-turn-off.njk',
        {
          title: 'Turn off two-step verification',
          requiredBy: auth.organisation?.requireTwoFactor ? auth.organisation.name : null,
          errors: parsed.ok ? [{ field: 'password', message: WRONG_PASSWORD }] : parsed.errors,
        },
        400,
      );
    }
    return reply.flash('Two-step verification is off.').redirect('/account/two-factor', 303);
  });

  app.get('/account/two-factor/recovery-codes', signedInOnly, async (request, reply) => {
    const status = await twoFactorStatus(db, signedIn(request).user.id);
    if (!status.enabledAt) return reply.redirect('/account/two-factor', 303);
    return reply.page('identity/views/new-recovery-codes.njk', {
      title: 'Make new recovery codes',
    });
  });

  app.post('/account/two-factor/recovery-codes', signedInLimited, async (request, reply) => {
    const auth = signedIn(request);
    const parsed = parseInput(passwordSchema, request.body);
    const codes = parsed.ok
      ? await makeNewRecoveryCodes(db, auth.user.id, parsed.data.password, request.actor())
      : null;
    if (!codes) {
      return reply.page(
        'identity/views/new-recovery-codes.njk',
        {
          title: 'Make new recovery codes',
          errors: parsed.ok ? [{ field: 'password', message: WRONG_PASSWORD }] : parsed.errors,
        },
        400,
      );
    }
    return reply.page('identity/views/recovery-codes.njk', {
      title: 'Your new recovery codes',
      codes,
      justTurnedOn: false,
    });
  });

  // The second step of signing in. The session from the password step is "pending" until then.
  app.get('/sign-in/two-factor', { config: { access: 'public' } }, async (request, reply) => {
    const next = safeNext((request.query as { next?: string }).next);
    if (request.auth) return reply.redirect(next, 303);
    if (!request.pendingSession) return reply.redirect('/sign-in', 303);
    return reply.page('identity/views/sign-in-two-factor.njk', {
      title: 'Enter your verification code',
      values: { next },
    });
  });

  app.post(
    '/sign-in/two-factor',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const pending = request.pendingSession;
      const parsed = parseInput(secondStepSchema, request.body);
      const next = safeNext(parsed.ok ? parsed.data.next : parsed.values.next);
      if (request.auth) return reply.redirect(next, 303);
      if (!pending) return reply.redirect('/sign-in', 303);
      if (!parsed.ok) {
        return reply.page(
          'identity/views/sign-in-two-factor.njk',
          { title: 'Enter your verification code', errors: parsed.errors, values: { next } },
          400,
        );
      }
      const user = await db
        .selectFrom('users')
        .select(['id', 'email', 'display_name'])
        .where('id', '=', pending.userId)
        .executeTakeFirstOrThrow();
      const actor = personActor(user, request.actor());
      const result = await verifySecondStep({ db, secrets }, user.id, parsed.data.code, actor);
      if (result.ok) {
        await startSession(request, reply, user.id, { tenantId: pending.tenantId });
        if (result.method === 'recovery') {
          reply.flash(
            `You signed in with a recovery code. It cannot be used again: you have ${result.left} left.` +
              (result.left <= 3 ? ' Make new recovery codes from your account page.' : ''),
          );
        }
        return reply.redirect(next, 303);
      }
      const failures = await countWrongCode(db, pending.id);
      if (failures >= MAX_TWO_FACTOR_FAILURES) {
        await giveUpSecondStep(db, pending.id, user.id, actor, failures);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect(`/sign-in?reason=${TOO_MANY_CODES}`, 303);
      }
      const left = MAX_TWO_FACTOR_FAILURES - failures;
      return reply.page(
        'identity/views/sign-in-two-factor.njk',
        {
          title: 'Enter your verification code',
          errors: [
            {
              field: 'code',
              message: `The code is not right. Enter the code your app shows now, or a recovery code. You can try ${left} more ${left === 1 ? 'time' : 'times'}`,
            },
          ],
          values: { next },
        },
        400,
      );
    },
  );
};
