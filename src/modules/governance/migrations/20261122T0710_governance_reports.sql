-- Progress reports: drafted from the record, edited by officers, signed off, published as frozen versions.

-- An organisation's own report template: section order, headings and standard wording.
CREATE TABLE report_templates (
  tenant_id uuid PRIMARY KEY REFERENCES organisations (id),
  -- [{ "key": "purpose", "heading": "Purpose of the report", "standardText": "..." }, ...]
  sections jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reports (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  strategy_id uuid NOT NULL,
  board_id uuid,
  meeting_id uuid,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  as_at date NOT NULL,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'submitted', 'approved', 'published', 'superseded', 'withdrawn')),
  -- Officers' words by section key (purpose, background, recommendation, financial, legal, equalities, risk, contacts).
  narrative jsonb NOT NULL DEFAULT '{}',
  approver_user_id uuid REFERENCES users (id),
  submitted_by uuid REFERENCES users (id),
  submitted_at timestamptz,
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, board_id) REFERENCES boards (tenant_id, id),
  FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id)
);
CREATE INDEX reports_strategy_idx ON reports (tenant_id, strategy_id, as_at);
CREATE INDEX reports_board_idx ON reports (tenant_id, board_id, as_at);

-- A published version: the frozen snapshot every format is rendered from. Never changed; a correction is a new version.
CREATE TABLE report_versions (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  report_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  snapshot jsonb NOT NULL,
  -- What changed from the previous version (required from version 2).
  change_note text,
  published_by uuid NOT NULL REFERENCES users (id),
  published_at timestamptz NOT NULL DEFAULT now(),
  -- Shown on the organisation's public pages when the organisation publishes there.
  public boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, report_id, version),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id),
  CHECK (version = 1 OR change_note IS NOT NULL)
);
CREATE INDEX report_versions_published_idx ON report_versions (tenant_id, published_at);

ALTER TABLE agenda_items ADD FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id);

-- Public pages: an organisation opts in; then its approved strategies and public report versions are shown without sign-in.
ALTER TABLE organisations ADD COLUMN publish_publicly boolean NOT NULL DEFAULT false;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['report_templates', 'reports', 'report_versions']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO waymark_app
      USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO waymark_app', t);
  END LOOP;
END $$;

REVOKE UPDATE, DELETE ON report_versions FROM waymark_app;
