-- Free-text search across strategies, areas, actions and progress updates (English stemming).
-- Actions and progress updates already carry a generated `search` column; strategies and areas
-- get theirs here. Titles weigh most (A), the body text next (B).

ALTER TABLE strategies ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(summary, '')), 'B')
) STORED;
CREATE INDEX strategies_search_idx ON strategies USING gin (search);

ALTER TABLE strategy_areas ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(number, '') || ' ' || coalesce(title, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(vision, '') || ' ' || coalesce(current_position, '') ||
    ' ' || coalesce(getting_there, '')), 'B')
) STORED;
CREATE INDEX strategy_areas_search_idx ON strategy_areas USING gin (search);

-- A reference typed exactly ("4.7") is looked up across every strategy of the organisation.
CREATE INDEX actions_ref_lookup_idx ON actions (tenant_id, lower(ref));

-- Which rows of the current organisation match a search.
--
-- Why a function: under row-level security PostgreSQL applies the policy before any condition
-- whose operator is not marked leakproof, and the text-search match (@@) is not. Run directly as
-- waymark_app, a search would read every row of the organisation and test each one; the GIN
-- indexes above would never be used. This function runs as its owner, who is the same role the
-- application connects as (tenant transactions only SET ROLE to waymark_app), so no privilege is
-- gained: it filters by the transaction's organisation itself, exactly as the policy does, and
-- returns only ids. The caller then reads the rows through row-level security as usual, so even a
-- mistake here could not show another organisation's data.
CREATE FUNCTION strategy_search_hits(wanted tsquery, wanted_ref text)
RETURNS TABLE (kind text, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
ROWS 200
AS $$
  SELECT 'strategy', s.id FROM strategies s
    WHERE s.tenant_id = waymark_tenant() AND s.search @@ wanted
  UNION ALL
  SELECT 'area', ar.id FROM strategy_areas ar
    WHERE ar.tenant_id = waymark_tenant() AND ar.search @@ wanted
  UNION ALL
  -- Two arms, so that each can use its own index (the words' GIN, the reference's b-tree).
  SELECT 'action', x.id FROM (
    SELECT a.id FROM actions a
      WHERE a.tenant_id = waymark_tenant() AND a.search @@ wanted
    UNION
    SELECT a.id FROM actions a
      WHERE a.tenant_id = waymark_tenant() AND lower(a.ref) = lower(wanted_ref)
  ) x
  UNION ALL
  SELECT 'update', u.id FROM progress_updates u
    WHERE u.tenant_id = waymark_tenant() AND u.search @@ wanted
$$;
REVOKE ALL ON FUNCTION strategy_search_hits(tsquery, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strategy_search_hits(tsquery, text) TO waymark_app;
