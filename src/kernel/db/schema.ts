import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type Role = 'admin' | 'editor' | 'contributor' | 'board' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'editor', 'contributor', 'board', 'viewer'];

export interface OrganisationsTable {
  id: string;
  slug: string;
  name: string;
  require_two_factor: Generated<boolean>;
  /** Show approved strategies and public report versions on /public/<slug> (migration 20261122T0710). */
  publish_publicly: Generated<boolean>;
  created_at: DefaultTimestamp;
  archived_at: Timestamp | null;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  /** The last TOTP time step accepted, so that no code works twice. */
  totp_last_counter: number | null;
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  created_at: DefaultTimestamp;
  disabled_at: Timestamp | null;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: Role;
  created_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  tenant_id: string | null;
  two_factor_pending: Generated<boolean>;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface InvitationsTable {
  tenant_id: string;
  id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  tenant_id: string;
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: string[];
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface SsoConfigsTable {
  tenant_id: string;
  enabled: Generated<boolean>;
  issuer: string;
  client_id: string;
  client_secret_enc: string;
  allowed_domains: string[];
  default_role: Role;
  updated_at: DefaultTimestamp;
}

export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: DefaultTimestamp;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  seq: number;
  occurred_at: Timestamp;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface MigrationsTable {
  name: string;
  applied_at: DefaultTimestamp;
}

export interface DB {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  password_resets: PasswordResetsTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  sso_configs: SsoConfigsTable;
  sso_identities: SsoIdentitiesTable;
  audit_events: AuditEventsTable;
  waymark_migrations: MigrationsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
