-- The dashboard's trend needs only each published version's status counts. Reading them out of
-- the whole snapshot (hundreds of kilobytes for a large plan) cost milliseconds per report; a
-- generated column keeps them small and beside the row, written by the database at publish.
ALTER TABLE report_versions ADD COLUMN status_counts jsonb
  GENERATED ALWAYS AS (snapshot -> 'progressSummary' -> 'byStatus') STORED;
