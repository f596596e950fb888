import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseInput } from '../../kernel/http/validation.js';
import { startSession } from '../identity/index.js';
import { SsoFailure, newFlowSecrets } from './sso.client.js';
import { clearFlowCookie, readFlowCookie, setFlowCookie } from './flow-cookie.js';
import { ssoEmailSchema } from './sso.schemas.js';
import { emailDomain } from './sso.rules.js';
import { finishSignIn, organisationForEmail, providerSignInUrl } from './sso-sign-in.service.js';
import { callbackUrl } from './public-url.js';

const EMAIL_PAGE = 'sso/views/sign-in-email.njk';
const EMAIL_TITLE = 'Sign in with your work account';

function problem(reply: FastifyReply, message: string, status: number) {
  return reply.page(
    'sso/views/problem.njk',
    { title: 'You could not be signed in', message },
    status,
  );
}

/**
 * Single sign-on, in three steps: the person gives their work email (which tells us the
 * organisation), Waymark sends them to their organisation's provider, and the provider sends
 * them back to the callback.
 *
 * Why a "Continue" link page between the email form and the provider: the app's CSP says
 * `form-action 'self'`, and Chrome applies form-action to every redirect that follows a form
 * submission (GET or POST), so a form that redirected to the provider would be blocked. Following
 * a link is not a form submission, so the hop to the provider is a plain link. The page also tells
 * people where they are going, which helps them spot a look-alike sign-in page.
 */
export const ssoSignInRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;
  const production = config.NODE_ENV === 'production';
  const signInLimit = { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };

  app.get('/sign-in/sso', { config: { access: 'public' } }, async (request, reply) => {
    if (request.auth) return reply.redirect('/', 303);
    return reply.page(EMAIL_PAGE, { title: EMAIL_TITLE });
  });

  app.post(
    '/sign-in/sso',
    { config: { access: 'public', rateLimit: signInLimit } },
    async (request, reply) => {
      const parsed = parseInput(ssoEmailSchema, request.body);
      if (!parsed.ok) {
        return reply.page(
          EMAIL_PAGE,
          { title: EMAIL_TITLE, errors: parsed.errors, values: parsed.values },
          400,
        );
      }
      const { email } = parsed.data;
      const organisation = await organisationForEmail(app.deps, email);
      if (!organisation) {
        const domain = emailDomain(email);
        return reply.page(
          EMAIL_PAGE,
          {
            title: EMAIL_TITLE,
            errors: [
              {
                field: 'email',
                message: `Single sign-on is not set up for ${domain}. Sign in with your password instead.`,
              },
            ],
            values: { email },
            notSetUp: domain,
          },
          400,
        );
      }
      setFlowCookie(
        reply,
        { ...newFlowSecrets(), tenantId: organisation.tenant_id, email },
        production,
      );
      return reply.redirect('/sign-in/sso/continue', 303);
    },
  );

  // Rate limited as sign-in is: each visit makes Waymark ask the provider for its settings.
  app.get(
    '/sign-in/sso/continue',
    { config: { access: 'public', rateLimit: signInLimit } },
    async (request, reply) => {
      const flow = readFlowCookie(request);
      if (!flow) return expired(reply);
      try {
        const { url, organisationName } = await providerSignInUrl(
          app.deps,
          flow,
          callbackUrl(request).href,
        );
        return await reply.page('sso/views/continue.njk', {
          title: 'Continue to your organisation’s sign-in page',
          providerUrl: url.href,
          providerHost: url.host,
          organisationName,
        });
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  app.get(
    '/sign-in/sso/callback',
    { config: { access: 'public', rateLimit: signInLimit } },
    async (request, reply) => {
      const flow = readFlowCookie(request);
      // One attempt per flow: whatever happens next, this state and verifier are spent.
      clearFlowCookie(reply);
      if (!flow) return expired(reply);
      try {
        const current = callbackUrl(request);
        current.search = new URL(request.url, current).search;
        const { userId, tenantId } = await finishSignIn(app.deps, request, flow, current);
        await startSession(request, reply, userId, { tenantId });
        request.log.info({ event: 'sso-sign-in', tenantId }, 'Signed in with single sign-on');
        return await reply.redirect('/', 303);
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  function expired(reply: FastifyReply) {
    return problem(
      reply,
      'Your sign-in took longer than 10 minutes, was already used, or was started in another browser. Start again.',
      400,
    );
  }

  function failed(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    if (error instanceof SsoFailure) {
      request.log.info(
        { event: 'sso-sign-in-failed', status: error.status, reason: error.reason },
        'Single sign-on did not sign someone in',
      );
      return problem(reply, error.message, error.status);
    }
    request.log.error({ err: error }, 'Single sign-on failed unexpectedly');
    return problem(
      reply,
      'Something went wrong in Waymark while signing you in. Try again, and if it keeps happening tell your Waymark administrator.',
      500,
    );
  }
};
