-- Search indexes that lead with the organisation. The word-only GIN indexes made every search
-- read the matches of every organisation before keeping its own, so a search slowed as a shared
-- service grew (measured with the benchmark's national profile: about 9 ms against 0.6 ms with
-- these at 100 organisations). btree_gin lets one GIN index hold the tenant and the words.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX strategies_search_idx;
CREATE INDEX strategies_search_idx ON strategies USING gin (tenant_id, search);
DROP INDEX strategy_areas_search_idx;
CREATE INDEX strategy_areas_search_idx ON strategy_areas USING gin (tenant_id, search);
DROP INDEX actions_search_idx;
CREATE INDEX actions_search_idx ON actions USING gin (tenant_id, search);
DROP INDEX progress_updates_search_idx;
CREATE INDEX progress_updates_search_idx ON progress_updates USING gin (tenant_id, search);
