-- Strategies and action plans: the council's own record.

-- Posts (and bodies) own actions; people hold posts over time.
CREATE TABLE posts (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'body')),
  short_name text NOT NULL CHECK (length(short_name) BETWEEN 1 AND 100),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX posts_short_name_key ON posts (tenant_id, lower(short_name)) WHERE archived_at IS NULL;

CREATE TABLE post_holders (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  post_id uuid NOT NULL,
  user_id uuid REFERENCES users (id),
  person_name text,
  from_date date NOT NULL,
  to_date date,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, post_id) REFERENCES posts (tenant_id, id),
  CHECK (user_id IS NOT NULL OR person_name IS NOT NULL),
  CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX post_holders_user_idx ON post_holders (tenant_id, user_id) WHERE to_date IS NULL;

-- A strategy version. Versions of the same strategy share a lineage (roll forward makes the next).
CREATE TABLE strategies (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  lineage_id uuid NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  previous_version_id uuid,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  period_label text,
  period_start date,
  period_end date,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'consultation', 'approved', 'superseded', 'archived')),
  approved_by text,
  approved_on date,
  next_review_on date,
  lead_officer text,
  summary text,
  document_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, lineage_id, version),
  FOREIGN KEY (tenant_id, previous_version_id) REFERENCES strategies (tenant_id, id),
  CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);

-- Areas or themes ("1. Strategic Direction"), each with an optional gap analysis.
CREATE TABLE strategy_areas (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  strategy_id uuid NOT NULL,
  number text,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  position integer NOT NULL,
  vision text,
  current_position text,
  getting_there text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id)
);
CREATE INDEX strategy_areas_strategy_idx ON strategy_areas (tenant_id, strategy_id, position);

CREATE TABLE objectives (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  strategy_id uuid NOT NULL,
  area_id uuid NOT NULL,
  ref text,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  position integer NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES strategy_areas (tenant_id, id)
);

CREATE TABLE actions (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  strategy_id uuid NOT NULL,
  -- The same action across plan years keeps its lineage (and its reference).
  lineage_id uuid NOT NULL,
  carried_from_id uuid,
  area_id uuid,
  objective_id uuid,
  ref text NOT NULL CHECK (length(ref) BETWEEN 1 AND 40),
  -- "4.10" after "4.9": numbers in the reference zero-padded, computed by the application.
  ref_sort text NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 2000),
  description text,
  priority text,
  priority_text text,
  timescale_text text,
  start_on date,
  due_on date,
  start_precision text,
  due_precision text,
  ongoing boolean NOT NULL DEFAULT false,
  recurrence text,
  timescale_needs_review boolean NOT NULL DEFAULT false,
  lead_post_id uuid,
  lead_user_id uuid REFERENCES users (id),
  lead_text text,
  resources_kind text CHECK (resources_kind IN ('current', 'additional', 'amount', 'text')),
  resources_amount_pence bigint CHECK (resources_amount_pence >= 0),
  resources_period text CHECK (resources_period IN ('one-off', 'per-year')),
  resources_text text,
  targets text,
  outcome text,
  comments text,
  status text NOT NULL DEFAULT 'not_started'
    CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'deferred', 'cancelled', 'superseded')),
  forecast_status text
    CHECK (forecast_status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'deferred', 'cancelled', 'superseded')),
  tags text[] NOT NULL DEFAULT '{}',
  extra jsonb NOT NULL DEFAULT '{}',
  source jsonb,
  position integer NOT NULL DEFAULT 0,
  last_update_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  archive_reason text,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(ref, '') || ' ' || coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(targets, '') || ' ' ||
      coalesce(outcome, '') || ' ' || coalesce(comments, '') || ' ' || coalesce(lead_text, '')), 'B')
  ) STORED,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES strategy_areas (tenant_id, id),
  FOREIGN KEY (tenant_id, objective_id) REFERENCES objectives (tenant_id, id),
  FOREIGN KEY (tenant_id, lead_post_id) REFERENCES posts (tenant_id, id),
  FOREIGN KEY (tenant_id, carried_from_id) REFERENCES actions (tenant_id, id)
);
CREATE UNIQUE INDEX actions_ref_key ON actions (tenant_id, strategy_id, lower(ref)) WHERE archived_at IS NULL;
CREATE INDEX actions_strategy_idx ON actions (tenant_id, strategy_id, ref_sort);
CREATE INDEX actions_due_idx ON actions (tenant_id, strategy_id, due_on);
CREATE INDEX actions_status_idx ON actions (tenant_id, strategy_id, status);
CREATE INDEX actions_lead_post_idx ON actions (tenant_id, lead_post_id);
CREATE INDEX actions_lineage_idx ON actions (tenant_id, lineage_id);
CREATE INDEX actions_search_idx ON actions USING gin (search);

-- "(with)": the posts, people or bodies that support the lead, in the order written.
CREATE TABLE action_supporters (
  tenant_id uuid NOT NULL,
  action_id uuid NOT NULL,
  position integer NOT NULL,
  post_id uuid,
  text text NOT NULL,
  PRIMARY KEY (tenant_id, action_id, position),
  FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id),
  FOREIGN KEY (tenant_id, post_id) REFERENCES posts (tenant_id, id)
);

CREATE TABLE action_dependencies (
  tenant_id uuid NOT NULL,
  action_id uuid NOT NULL,
  depends_on_id uuid NOT NULL,
  note text,
  PRIMARY KEY (tenant_id, action_id, depends_on_id),
  FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id),
  FOREIGN KEY (tenant_id, depends_on_id) REFERENCES actions (tenant_id, id),
  CHECK (action_id <> depends_on_id)
);

-- Progress is dated and signed; an update is never edited, a correction is a new update.
CREATE TABLE progress_updates (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  action_id uuid NOT NULL,
  action_lineage_id uuid NOT NULL,
  status text NOT NULL
    CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'deferred', 'cancelled', 'superseded')),
  forecast_status text
    CHECK (forecast_status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'deferred', 'cancelled', 'superseded')),
  percent_complete integer CHECK (percent_complete BETWEEN 0 AND 100),
  happened text NOT NULL,
  next_steps text,
  evidence_url text,
  evidence_file_id uuid,
  corrects_id uuid,
  correction_note text,
  as_at date NOT NULL,
  recorded_by uuid REFERENCES users (id),
  recorded_by_label text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('english', coalesce(happened, '') || ' ' || coalesce(next_steps, ''))
  ) STORED,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id),
  FOREIGN KEY (tenant_id, corrects_id) REFERENCES progress_updates (tenant_id, id)
);
CREATE INDEX progress_updates_action_idx ON progress_updates (tenant_id, action_id, recorded_at DESC);
CREATE INDEX progress_updates_lineage_idx ON progress_updates (tenant_id, action_lineage_id, recorded_at DESC);
CREATE INDEX progress_updates_search_idx ON progress_updates USING gin (search);

CREATE TABLE evidence_files (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  data bytea NOT NULL,
  uploaded_by uuid REFERENCES users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
ALTER TABLE progress_updates ADD FOREIGN KEY (tenant_id, evidence_file_id) REFERENCES evidence_files (tenant_id, id);

-- Codes such as CR, AR, BoD, "MM"; for the whole organisation (strategy_id NULL) or one strategy.
CREATE TABLE glossary_terms (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  strategy_id uuid,
  code text NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
  expansion text NOT NULL CHECK (length(expansion) BETWEEN 1 AND 500),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id)
);
CREATE UNIQUE INDEX glossary_terms_code_key
  ON glossary_terms (tenant_id, coalesce(strategy_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

-- Each organisation's own words: priority scale and status names (mapped to RAG).
CREATE TABLE strategy_settings (
  tenant_id uuid PRIMARY KEY REFERENCES organisations (id),
  priorities jsonb NOT NULL,
  status_labels jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['posts', 'post_holders', 'strategies', 'strategy_areas', 'objectives', 'actions',
    'action_supporters', 'action_dependencies', 'progress_updates', 'evidence_files', 'glossary_terms', 'strategy_settings']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO waymark_app
      USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO waymark_app', t);
  END LOOP;
END $$;

-- Progress updates are a record: once written they are never changed (corrections are new rows).
REVOKE UPDATE, DELETE ON progress_updates FROM waymark_app;
