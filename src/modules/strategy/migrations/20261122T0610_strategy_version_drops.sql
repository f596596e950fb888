-- Roll forward: the unfinished actions an editor chose not to carry into the next version of a
-- strategy, each with the reason (which is required). The action itself stays, unchanged, with
-- the version it was dropped from; this row is what "what changed" shows.
CREATE TABLE strategy_version_drops (
  tenant_id uuid NOT NULL REFERENCES organisations (id),
  id uuid NOT NULL,
  -- The new version, which the action was not carried into.
  strategy_id uuid NOT NULL,
  -- The version the action stays with.
  from_strategy_id uuid NOT NULL,
  action_id uuid NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  dropped_by uuid REFERENCES users (id),
  dropped_by_label text NOT NULL,
  dropped_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, strategy_id, action_id),
  FOREIGN KEY (tenant_id, strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, from_strategy_id) REFERENCES strategies (tenant_id, id),
  FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id)
);
CREATE INDEX strategy_version_drops_from_idx ON strategy_version_drops (tenant_id, from_strategy_id);

ALTER TABLE strategy_version_drops ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON strategy_version_drops TO waymark_app
  USING (tenant_id = waymark_tenant()) WITH CHECK (tenant_id = waymark_tenant());
-- A record of a decision: written once, never changed or removed by the application.
GRANT SELECT, INSERT ON strategy_version_drops TO waymark_app;
