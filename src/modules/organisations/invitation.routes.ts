import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../../kernel/auth/plugin.js';
import { startSession } from '../identity/index.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import {
  acceptAsSignedIn,
  acceptWithNewAccount,
  findInvitation,
  INVITATION_DAYS,
  newAccountPasswordErrors,
  type FoundInvitation,
} from './invitation.service.js';
import { newAccountSchema } from './organisation.schemas.js';

const VIEWS = 'organisations/views';

type Unusable = 'unknown' | 'expired' | 'withdrawn' | 'used';

const UNUSABLE_TITLES: Record<Unusable, string> = {
  unknown: 'This invitation link does not work',
  expired: 'This invitation has expired',
  withdrawn: 'This invitation has been withdrawn',
  used: 'This invitation has already been used',
};

/** Which page the holder of a working link sees, from the account and who is signed in. */
function stepFor(request: FastifyRequest, invitation: FoundInvitation) {
  const signedInEmail = request.auth?.user.email;
  if (signedInEmail !== undefined && signedInEmail !== invitation.email) return 'wrong-account';
  if (!invitation.accountExists) return 'new-account';
  return signedInEmail === undefined ? 'sign-in-first' : 'join';
}

/** Accepting an invitation: public pages, reached from the link in the invitation mail. */
export const invitationRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const { config } = app.deps;
  const rateLimit = { max: config.SIGN_IN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };

  function unusable(reply: FastifyReply, reason: Unusable, invitation: FoundInvitation | null) {
    return reply.page(
      `${VIEWS}/invitation-unusable.njk`,
      { title: UNUSABLE_TITLES[reason], reason, invitation, days: INVITATION_DAYS },
      reason === 'unknown' ? 404 : 410,
    );
  }

  /** The page for a working link, or the reason it does not work. */
  function show(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    invitation: FoundInvitation | null,
    form: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
    status?: number,
  ) {
    if (!invitation) return unusable(reply, 'unknown', null);
    if (invitation.state !== 'usable') return unusable(reply, invitation.state, invitation);
    const step = stepFor(request, invitation);
    const alreadyMember =
      request.auth?.memberships.some((m) => m.tenantId === invitation.tenantId) ?? false;
    return reply.page(
      `${VIEWS}/invitation.njk`,
      {
        title:
          step === 'wrong-account'
            ? 'This invitation was sent to another email address'
            : `Join ${invitation.organisationName} on Waymark`,
        step,
        invitation,
        token,
        alreadyMember,
        signInUrl: `/sign-in?next=${encodeURIComponent(`/invitations/${token}`)}`,
        values: form.values ?? {},
        ...(form.errors ? { errors: form.errors } : {}),
      },
      status ?? (step === 'wrong-account' ? 403 : undefined),
    );
  }

  app.get<{ Params: { token: string } }>(
    '/invitations/:token',
    { config: { access: 'public' } },
    async (request, reply) => {
      const { token } = request.params;
      return show(request, reply, token, await findInvitation(db, token));
    },
  );

  app.post<{ Params: { token: string } }>(
    '/invitations/:token',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const { token } = request.params;
      const invitation = await findInvitation(db, token);
      if (invitation?.state !== 'usable') return show(request, reply, token, invitation);
      const step = stepFor(request, invitation);

      if (step === 'sign-in-first') {
        return reply.redirect(`/sign-in?next=${encodeURIComponent(`/invitations/${token}`)}`, 303);
      }
      if (step === 'wrong-account') return show(request, reply, token, invitation);

      if (step === 'join') {
        const auth = signedIn(request);
        const result = await acceptAsSignedIn(db, request.actor(), token, auth.user);
        if (!result.ok) return show(request, reply, token, await findInvitation(db, token));
        if (auth.session) await app.deps.sessions.setTenant(auth.session.id, result.tenantId);
        const message = result.alreadyMember
          ? `You are already a member of ${result.organisationName}.`
          : `You have joined ${result.organisationName}.`;
        return reply.flash(message).redirect('/', 303);
      }

      const parsed = parseInput(newAccountSchema, request.body);
      const errors = parsed.ok
        ? newAccountPasswordErrors(parsed.data.password, parsed.data.confirm, invitation.email)
        : parsed.errors;
      if (!parsed.ok || errors.length) {
        const values = parsed.ok ? { fullName: parsed.data.fullName } : parsed.values;
        return show(request, reply, token, invitation, { errors, values }, 400);
      }
      const result = await acceptWithNewAccount(db, request.actor(), token, {
        displayName: parsed.data.fullName,
        password: parsed.data.password,
      });
      if (!result.ok) return show(request, reply, token, await findInvitation(db, token));
      await startSession(request, reply, result.userId, { tenantId: result.tenantId });
      return reply.flash(`You have joined ${result.organisationName}.`).redirect('/', 303);
    },
  );
};
