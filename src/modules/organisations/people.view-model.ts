import type { FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../kernel/auth/permissions.js';
import { ROLES, type Role } from '../../kernel/db/schema.js';
import type { MemberRow, PendingInvitationRow } from './people.queries.js';

export function roleName(role: Role): string {
  return ROLE_LABELS[role].name;
}

/** Radio items for choosing a role, each with its description as the hint. */
export function roleItems(checked: unknown) {
  return ROLES.map((role) => ({
    value: role,
    text: ROLE_LABELS[role].name,
    hint: { text: ROLE_LABELS[role].description },
    checked: role === checked,
  }));
}

export function memberRows(members: MemberRow[], currentUserId: string) {
  return members.map((m) => ({
    userId: m.user_id,
    name: m.display_name,
    email: m.email,
    role: roleName(m.role),
    lastSignIn: m.last_sign_in_at,
    isYou: m.user_id === currentUserId,
  }));
}

export function invitationRows(invitations: PendingInvitationRow[]) {
  return invitations.map((i) => ({
    id: i.id,
    email: i.email,
    role: roleName(i.role),
    invitedBy: i.invited_by_name,
    expires: i.expires_at,
  }));
}

/** The address people use to reach Waymark, for links in mail and on screen. */
export function publicBase(request: FastifyRequest): string {
  const configured = request.server.deps.config.PUBLIC_URL;
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}
