-- Update rounds (asking owners for progress before a meeting) and the job queue the in-process scheduler runs.

-- Jobs: a system table. The scheduler serves every organisation, so it reads and claims jobs as the
-- database owner, outside any one tenant; tenant_id (nullable) only says whose job it is. A tenant
-- transaction may still add its own organisation's jobs (insert-only policy below), so a change and
-- the mails it causes are committed together or not at all.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES organisations (id),
  kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
  -- Scheduling the same work twice is a no-op: e.g. 'round:<round id>:request:<user id>'.
  key text NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 300),
  payload jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- A claim is a lease: a process that dies holding one lets it lapse and another picks the job up.
  claimed_by text,
  claimed_until timestamptz,
  done_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_enqueue ON jobs FOR INSERT TO waymark_app WITH CHECK (tenant_id = waymark_tenant());
GRANT INSERT ON jobs TO waymark_app;

-- One round per meeting: the owners asked, as at the date the meeting's report works to.
CREATE TABLE update_rounds (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  meeting_id uuid NOT NULL,
  board_id uuid NOT NULL,
  -- The strategy versions whose actions were asked about (those the board oversees).
  strategy_ids uuid[] NOT NULL DEFAULT '{}',
  -- The report the round feeds, when the meeting has one; its "as at" date is the round's.
  report_id uuid,
  as_at date NOT NULL,
  -- Updates recorded from this moment count as new (the day after the board's previous report or round).
  updates_since timestamptz NOT NULL,
  started_at timestamptz NOT NULL,
  started_by uuid REFERENCES users (id),
  started_by_label text NOT NULL,
  remind_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, meeting_id),
  FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id),
  FOREIGN KEY (tenant_id, board_id) REFERENCES boards (tenant_id, id),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id)
);
CREATE INDEX update_rounds_board_idx ON update_rounds (tenant_id, board_id, as_at);

-- One request per person in a round: the actions they were asked about, and what was mailed when.
CREATE TABLE update_requests (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  round_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  action_ids uuid[] NOT NULL,
  requested_at timestamptz,
  reminded_at timestamptz,
  last_mailed_at timestamptz,
  last_nudged_at timestamptz,
  mails_sent integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, round_id, user_id),
  FOREIGN KEY (tenant_id, round_id) REFERENCES update_rounds (tenant_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['update_rounds', 'update_requests']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO waymark_app
      USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO waymark_app', t);
  END LOOP;
END $$;
