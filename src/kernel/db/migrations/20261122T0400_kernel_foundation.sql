-- Foundation: organisations (tenants), people, memberships, sessions, tokens, single sign-on and the audit trail.

-- Tenant transactions switch to this role so that row-level security holds even for a superuser
-- connection (PGlite always connects as one).
DO $$ BEGIN
  CREATE ROLE waymark_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$ BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT waymark_app TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO waymark_app;

CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  require_two_factor boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash text,
  totp_secret text,
  totp_enabled_at timestamptz,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('admin', 'editor', 'contributor', 'board', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES organisations (id),
  two_factor_pending boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE invitations (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  email text NOT NULL CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('admin', 'editor', 'contributor', 'board', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE api_tokens (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  scopes text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'write']::text[] AND cardinality(scopes) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE sso_configs (
  tenant_id uuid PRIMARY KEY REFERENCES organisations (id),
  enabled boolean NOT NULL DEFAULT true,
  issuer text NOT NULL,
  client_id text NOT NULL,
  client_secret_enc text NOT NULL,
  allowed_domains text[] NOT NULL DEFAULT '{}',
  default_role text NOT NULL DEFAULT 'viewer'
    CHECK (default_role IN ('admin', 'editor', 'contributor', 'board', 'viewer')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sso_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

-- The audit trail: append-only, hash-chained per organisation (tenant_id NULL is the system chain).
CREATE TABLE audit_events (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES organisations (id),
  seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip text,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  UNIQUE NULLS NOT DISTINCT (tenant_id, seq)
);
CREATE INDEX audit_events_time_idx ON audit_events (tenant_id, occurred_at DESC);
CREATE INDEX audit_events_entity_idx ON audit_events (tenant_id, entity_type, entity_id);
CREATE INDEX audit_events_actor_idx ON audit_events (tenant_id, actor_user_id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Row-level security: a tenant transaction (role waymark_app) sees only its own organisation's rows.
-- The owner (system work: sign-in, migrations, backups) is not subject to it; no FORCE.
CREATE FUNCTION waymark_tenant() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION waymark_user() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organisations TO waymark_app
  USING (id = waymark_tenant()) WITH CHECK (id = waymark_tenant());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());

-- People are visible to an organisation only while they are its members (or are the signed-in person).
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_visibility ON users FOR SELECT TO waymark_app
  USING (id = waymark_user()
    OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.tenant_id = waymark_tenant()));

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_tokens TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());

ALTER TABLE sso_configs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_configs TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());

GRANT SELECT, UPDATE ON organisations TO waymark_app;
GRANT SELECT ON users TO waymark_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, invitations, api_tokens, sso_configs TO waymark_app;
GRANT SELECT, INSERT ON audit_events TO waymark_app;
