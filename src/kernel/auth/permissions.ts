import type { Role } from '../db/schema.js';

/**
 * The single permission table. Every route names one of these (or `public` / `signed-in`), and
 * the route × role test walks every route for every role against this table.
 */
export const PERMISSIONS = {
  /** Read anything in the organisation. */
  'org.read': ['admin', 'editor', 'contributor', 'board', 'viewer'],
  /** Manage one's own API tokens (they never exceed the owner's role). */
  'tokens.own': ['admin', 'editor', 'contributor', 'board', 'viewer'],
  /** Invite people, change roles, remove people. */
  'members.manage': ['admin'],
  /** Organisation name, two-step requirement, single sign-on. */
  'settings.manage': ['admin'],
  /** See the audit trail and every token. */
  'audit.read': ['admin'],
  'tokens.manage': ['admin'],
  /** Create and change strategies, action plans, posts and the glossary (the programme office). */
  'strategy.manage': ['admin', 'editor'],
  /** Record progress; contributors only on actions whose post they hold (checked by the service). */
  'progress.record': ['admin', 'editor', 'contributor'],
  /** Boards, meetings, update rounds; draft, edit and publish reports (the programme office). */
  'governance.manage': ['admin', 'editor'],
  /** Record a board's decision against an agenda item. */
  'decisions.record': ['admin', 'editor', 'board'],
  /** Approve a report submitted for sign-off (the service also checks the named approver). */
  'reports.approve': ['admin', 'board'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * `public`: anyone, signed in or not. `signed-in`: any signed-in person, even one with no
 * organisation yet (their account page). Otherwise a permission from the table above, which also
 * requires a current organisation.
 */
export type Access = 'public' | 'signed-in' | Permission;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, { name: string; description: string }> = {
  admin: { name: 'Administrator', description: 'Manages people, settings and everything else.' },
  editor: { name: 'Editor', description: 'Programme office: manages strategies and action plans.' },
  contributor: { name: 'Contributor', description: 'Records progress on the actions they own.' },
  board: { name: 'Board member', description: 'Reads everything and takes decisions.' },
  viewer: { name: 'Viewer', description: 'Reads strategies, plans and reports.' },
};
