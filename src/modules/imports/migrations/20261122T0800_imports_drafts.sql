-- An import in progress: the document as read and the person's choices, never the plan itself.
-- Nothing reaches strategies or actions until the person commits; drafts expire after a day.
CREATE TABLE import_drafts (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  -- The SourceDocument as the reader produced it (cells, headings, warnings).
  document jsonb NOT NULL,
  -- The person's choices: column mapping, fixed cells, the sheet.
  options jsonb NOT NULL DEFAULT '{}',
  -- Where it will go: an existing strategy, or a new one with this title (or neither yet).
  target_strategy_id uuid,
  new_strategy_title text CHECK (length(new_strategy_title) BETWEEN 1 AND 300),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- Set once, in the transaction that imports: a draft is imported at most once.
  committed_at timestamptz,
  committed_strategy_id uuid,
  result jsonb,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, target_strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, committed_strategy_id) REFERENCES strategies (tenant_id, id),
  CHECK (target_strategy_id IS NULL OR new_strategy_title IS NULL)
);
CREATE INDEX import_drafts_expiry_idx ON import_drafts (tenant_id, expires_at);

ALTER TABLE import_drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_drafts TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON import_drafts TO waymark_app;
