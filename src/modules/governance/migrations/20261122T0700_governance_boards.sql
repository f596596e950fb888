-- Governance: boards, their members and the strategies they oversee; meetings, agenda items and decisions.

CREATE TABLE boards (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('cabinet', 'board_of_directors', 'corporate_management_team',
    'business_strategy_group', 'steering_group', 'working_group', 'scrutiny', 'directorate_leadership_team', 'other')),
  purpose text,
  reporting_cycle text NOT NULL DEFAULT 'quarterly'
    CHECK (reporting_cycle IN ('monthly', 'quarterly', 'six_monthly', 'annual', 'ad_hoc')),
  reports_to_board_id uuid,
  -- Days before a report's "as at" date that owners are asked for updates.
  update_lead_days integer NOT NULL DEFAULT 14 CHECK (update_lead_days BETWEEN 0 AND 120),
  -- Days after the first request that a reminder follows.
  reminder_after_days integer NOT NULL DEFAULT 7 CHECK (reminder_after_days BETWEEN 1 AND 60),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, reports_to_board_id) REFERENCES boards (tenant_id, id),
  CHECK (reports_to_board_id IS NULL OR reports_to_board_id <> id)
);
CREATE UNIQUE INDEX boards_name_key ON boards (tenant_id, lower(name)) WHERE archived_at IS NULL;

-- Members: people with accounts, or named members without one (councillors, partners).
CREATE TABLE board_members (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  board_id uuid NOT NULL,
  user_id uuid REFERENCES users (id),
  person_name text CHECK (person_name IS NULL OR length(person_name) BETWEEN 1 AND 200),
  member_role text CHECK (member_role IS NULL OR length(member_role) <= 200),
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, board_id) REFERENCES boards (tenant_id, id),
  CHECK (user_id IS NOT NULL OR person_name IS NOT NULL)
);
CREATE INDEX board_members_board_idx ON board_members (tenant_id, board_id, position);

CREATE TABLE board_strategies (
  tenant_id uuid NOT NULL,
  board_id uuid NOT NULL,
  strategy_lineage_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, board_id, strategy_lineage_id),
  FOREIGN KEY (tenant_id, board_id) REFERENCES boards (tenant_id, id)
);

CREATE TABLE meetings (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  board_id uuid NOT NULL,
  meets_on date NOT NULL,
  starts_at time,
  location text,
  minutes_url text CHECK (minutes_url IS NULL OR minutes_url ~ '^https?://'),
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, board_id) REFERENCES boards (tenant_id, id)
);
CREATE INDEX meetings_board_idx ON meetings (tenant_id, board_id, meets_on);
CREATE INDEX meetings_date_idx ON meetings (tenant_id, meets_on);

-- An agenda item: a report (report_id set once reports exist) or another paper.
CREATE TABLE agenda_items (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  meeting_id uuid NOT NULL,
  position integer NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  kind text NOT NULL DEFAULT 'paper' CHECK (kind IN ('report', 'paper', 'other')),
  strategy_id uuid,
  report_id uuid,
  paper_url text CHECK (paper_url IS NULL OR paper_url ~ '^https?://'),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id)
);
CREATE INDEX agenda_items_meeting_idx ON agenda_items (tenant_id, meeting_id, position);
CREATE INDEX agenda_items_strategy_idx ON agenda_items (tenant_id, strategy_id);

-- Decisions are a record: corrections are new rows.
CREATE TABLE decisions (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  agenda_item_id uuid NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('noted', 'approved', 'approved_with_changes', 'deferred', 'rejected')),
  note text,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agenda_item_id) REFERENCES agenda_items (tenant_id, id)
);
CREATE INDEX decisions_item_idx ON decisions (tenant_id, agenda_item_id, recorded_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['boards', 'board_members', 'board_strategies', 'meetings', 'agenda_items', 'decisions']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO waymark_app
      USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO waymark_app', t);
  END LOOP;
END $$;

REVOKE UPDATE, DELETE ON decisions FROM waymark_app;
