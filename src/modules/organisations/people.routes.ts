import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { member } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { NotFoundError, ValidationError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { createInvitation, INVITATION_DAYS, withdrawInvitation } from './invitation.service.js';
import { invitationMail } from './invitation.mail.js';
import {
  changeRoleSchema,
  invitationIdParams,
  inviteSchema,
  userIdParams,
} from './organisation.schemas.js';
import { listMembers, listPendingInvitations } from './people.queries.js';
import { changeRole, getMember, LastAdminError, removeMember } from './people.service.js';
import {
  invitationRows,
  memberRows,
  publicBase,
  roleItems,
  roleName,
} from './people.view-model.js';

const VIEWS = 'organisations/views';

function userIdFrom(params: unknown): string {
  const parsed = userIdParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('There is no such person in your organisation.');
  return parsed.data.userId;
}

function invitationIdFrom(params: unknown): string {
  const parsed = invitationIdParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('There is no such invitation.');
  return parsed.data.invitationId;
}

/** Pages for administrators: the people of the organisation, invitations, roles and removal. */
export const peopleRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const access = { access: 'members.manage' } as const;

  app.get('/admin/people', { config: access }, async (request, reply) => {
    const auth = member(request);
    const tenantId = auth.organisation.id;
    const { members, invitations } = await withTenant(db, tenantId, auth.user.id, async (trx) => ({
      members: await listMembers(trx, tenantId),
      invitations: await listPendingInvitations(trx, tenantId),
    }));
    return reply.page(`${VIEWS}/people.njk`, {
      title: 'People',
      days: INVITATION_DAYS,
      members: memberRows(members, auth.user.id),
      invitations: invitationRows(invitations),
    });
  });

  const invitePage = (reply: FastifyReply, data: Record<string, unknown>, status?: number) =>
    reply.page(
      `${VIEWS}/invite.njk`,
      {
        title: 'Invite someone',
        days: INVITATION_DAYS,
        ...data,
        roles: roleItems((data.values as Record<string, unknown> | undefined)?.role),
      },
      status,
    );

  app.get('/admin/people/invite', { config: access }, async (_request, reply) =>
    invitePage(reply, { values: {} }),
  );

  app.post('/admin/people/invite', { config: access }, async (request, reply) => {
    const auth = member(request);
    const parsed = parseInput(inviteSchema, request.body);
    if (!parsed.ok) return invitePage(reply, { errors: parsed.errors, values: parsed.values }, 400);
    const { email, role } = parsed.data;
    let invitation;
    try {
      invitation = await createInvitation(db, request.actor(), {
        tenantId: auth.organisation.id,
        organisationName: auth.organisation.name,
        email,
        role,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return invitePage(reply, { errors: error.fieldErrors, values: parsed.data }, 400);
    }
    const link = `${publicBase(request)}/invitations/${invitation.token}`;
    // Without SMTP the mailer only logs (with the link, in development); the admin hands it over.
    let sent = false;
    try {
      await app.deps.mailer.send(
        invitationMail({
          to: email,
          organisationName: auth.organisation.name,
          inviterName: auth.user.displayName,
          role,
          link,
          expiresAt: invitation.expiresAt,
        }),
      );
      sent = app.deps.mailer.delivers;
    } catch (error) {
      // The invitation stands; the admin is given the link to pass on instead.
      request.log.error({ err: error }, 'Could not send an invitation mail');
    }
    const replaced = invitation.replacedEarlier
      ? ' The earlier invitation to this address no longer works.'
      : '';
    if (sent) {
      return reply.flash(`Invitation sent to ${email}.${replaced}`).redirect('/admin/people', 303);
    }
    // The link exists only in this response: it is not stored anywhere it could be shown again.
    return reply.page(`${VIEWS}/invite-link.njk`, {
      title: 'Invitation created',
      email,
      roleName: roleName(role),
      link,
      expiresAt: invitation.expiresAt,
      mailFailed: app.deps.mailer.delivers,
      replacedEarlier: invitation.replacedEarlier,
    });
  });

  app.post(
    '/admin/people/invitations/:invitationId/withdraw',
    { config: access },
    async (request, reply) => {
      const auth = member(request);
      const { email } = await withdrawInvitation(db, request.actor(), {
        tenantId: auth.organisation.id,
        invitationId: invitationIdFrom(request.params),
      });
      return reply
        .flash(`The invitation to ${email} has been withdrawn. Its link no longer works.`)
        .redirect('/admin/people', 303);
    },
  );

  const rolePage = `${VIEWS}/change-role.njk`;

  app.get('/admin/people/:userId/role', { config: access }, async (request, reply) => {
    const auth = member(request);
    const person = await getMember(
      db,
      request.actor(),
      auth.organisation.id,
      userIdFrom(request.params),
    );
    return reply.page(rolePage, {
      title: `Change the role of ${person.display_name}`,
      person,
      roles: roleItems(person.role),
    });
  });

  app.post('/admin/people/:userId/role', { config: access }, async (request, reply) => {
    const auth = member(request);
    const userId = userIdFrom(request.params);
    const parsed = parseInput(changeRoleSchema, request.body);
    if (!parsed.ok) {
      const person = await getMember(db, request.actor(), auth.organisation.id, userId);
      return reply.page(
        rolePage,
        {
          title: `Change the role of ${person.display_name}`,
          person,
          roles: roleItems(undefined),
          errors: parsed.errors,
        },
        400,
      );
    }
    let result;
    try {
      result = await changeRole(db, request.actor(), {
        tenantId: auth.organisation.id,
        userId,
        role: parsed.data.role,
      });
    } catch (error) {
      if (!(error instanceof LastAdminError)) throw error;
      return reply.page(
        rolePage,
        {
          title: `Change the role of ${error.member.display_name}`,
          person: error.member,
          roles: roleItems(parsed.data.role),
          errors: [{ field: 'role', message: error.message }],
        },
        409,
      );
    }
    const name = result.member.display_name;
    const message = result.changed
      ? `${name}’s role is now ${roleName(result.after)}.`
      : `${name}’s role is still ${roleName(result.after)}: nothing was changed.`;
    // Someone who gave up their own admin role can no longer see the people page.
    const back = userId === auth.user.id && result.after !== 'admin' ? '/' : '/admin/people';
    return reply.flash(message).redirect(back, 303);
  });

  const removePage = `${VIEWS}/remove.njk`;

  app.get('/admin/people/:userId/remove', { config: access }, async (request, reply) => {
    const auth = member(request);
    const person = await getMember(
      db,
      request.actor(),
      auth.organisation.id,
      userIdFrom(request.params),
    );
    return reply.page(removePage, {
      title: `Remove ${person.display_name} from ${auth.organisation.name}`,
      person: { ...person, roleName: roleName(person.role) },
      isYou: person.user_id === auth.user.id,
    });
  });

  app.post('/admin/people/:userId/remove', { config: access }, async (request, reply) => {
    const auth = member(request);
    const userId = userIdFrom(request.params);
    let removal;
    try {
      removal = await removeMember(db, request.actor(), { tenantId: auth.organisation.id, userId });
    } catch (error) {
      if (!(error instanceof LastAdminError)) throw error;
      const person = error.member;
      return reply.page(
        removePage,
        {
          title: `Remove ${person.display_name} from ${auth.organisation.name}`,
          person: { ...person, roleName: roleName(person.role), isOnlyAdmin: true },
          isYou: person.user_id === auth.user.id,
          errors: [{ field: 'last-admin', message: error.message }],
        },
        409,
      );
    }
    if (userId === auth.user.id) {
      return reply.flash(`You have left ${auth.organisation.name}.`).redirect('/', 303);
    }
    const { member: removed, tokensRevoked } = removal;
    const tokens =
      tokensRevoked === 0
        ? ''
        : tokensRevoked === 1
          ? ' Their API token was revoked.'
          : ` Their ${tokensRevoked} API tokens were revoked.`;
    return reply
      .flash(`${removed.display_name} has been removed from ${auth.organisation.name}.${tokens}`)
      .redirect('/admin/people', 303);
  });
};
