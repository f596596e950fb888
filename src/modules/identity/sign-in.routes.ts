import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseInput } from '../../kernel/http/validation.js';
import { emailField } from '../../kernel/http/fields.js';
import { SESSION_COOKIE, sessionCookieOptions, signedIn } from '../../kernel/auth/plugin.js';
import { checkPassword, safeNext } from './sign-in.service.js';

const signInSchema = z.object({
  email: emailField(),
  password: z.string().min(1, 'Enter your password'),
  next: z.string().optional(),
});

const FAILED =
  'The email address or password is not right. Check them and try again. After several failed attempts, an account is locked for a while.';

/** Why someone was sent back to sign in (`?reason=`), in words; unknown reasons show nothing. */
export const TOO_MANY_CODES = 'too-many-codes';
const SIGN_IN_NOTICES: Record<string, string> = {
  [TOO_MANY_CODES]:
    'You entered a wrong verification code too many times, so we stopped that sign-in. Sign in again with your password, then enter the code your app shows now or one of your recovery codes.',
};

/** Starts a fresh session (never reusing one from before sign-in) and sets its cookie. */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  options: { twoFactorPending?: boolean; tenantId?: string | null } = {},
) {
  const { sessions, config } = request.server.deps;
  const old = request.auth?.session ?? request.pendingSession;
  if (old) await sessions.destroy(old.id);
  const { token } = await sessions.create(
    userId,
    options.tenantId ?? null,
    options.twoFactorPending ?? false,
  );
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config.NODE_ENV === 'production'));
}

export const signInRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;

  app.get('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const query = request.query as { next?: string; reason?: string };
    const next = safeNext(query.next);
    if (request.auth) return reply.redirect(next, 303);
    return reply.page('identity/views/sign-in.njk', {
      title: 'Sign in to Waymark',
      values: { next },
      notice:
        query.reason && Object.hasOwn(SIGN_IN_NOTICES, query.reason)
          ? SIGN_IN_NOTICES[query.reason]
          : null,
    });
  });

  app.post(
    '/sign-in',
    {
      config: {
        access: 'public',
        rateLimit: { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const parsed = parseInput(signInSchema, request.body);
      if (!parsed.ok) {
        return reply.page(
          'identity/views/sign-in.njk',
          { title: 'Sign in to Waymark', errors: parsed.errors, values: parsed.values },
          400,
        );
      }
      const { email, password, next } = parsed.data;
      const result = await checkPassword(app.deps, email, password, request.actor());
      if (!result.ok) {
        if (result.delayMs) await sleep(result.delayMs);
        request.log.info({ event: 'sign-in-failed' }, 'Sign-in failed');
        return reply.page(
          'identity/views/sign-in.njk',
          {
            title: 'Sign in to Waymark',
            errors: [{ field: 'email', message: FAILED }],
            values: { email, next },
          },
          400,
        );
      }
      await startSession(request, reply, result.userId, { twoFactorPending: result.twoFactor });
      if (result.twoFactor)
        return reply.redirect(
          `/sign-in/two-factor?next=${encodeURIComponent(safeNext(next))}`,
          303,
        );
      return reply.redirect(safeNext(next), 303);
    },
  );

  app.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    const session = request.auth?.session ?? request.pendingSession;
    if (session) await app.deps.sessions.destroy(session.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.flash('You have signed out.').redirect('/sign-in', 303);
  });

  const switchSchema = z.object({ organisation: z.uuid('Select an organisation') });

  app.get('/switch-organisation', { config: { access: 'signed-in' } }, async (request, reply) => {
    return reply.page('identity/views/switch-organisation.njk', { title: 'Switch organisation' });
  });

  app.post('/switch-organisation', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = signedIn(request);
    const parsed = parseInput(switchSchema, request.body);
    const target = parsed.ok
      ? auth.memberships.find((m) => m.tenantId === parsed.data.organisation)
      : undefined;
    if (!target || !auth.session) {
      return reply.page(
        'identity/views/switch-organisation.njk',
        {
          title: 'Switch organisation',
          errors: [{ field: 'organisation', message: 'Select one of your organisations' }],
        },
        400,
      );
    }
    await app.deps.sessions.setTenant(auth.session.id, target.tenantId);
    return reply.flash(`You are now working in ${target.name}.`).redirect('/', 303);
  });
};
