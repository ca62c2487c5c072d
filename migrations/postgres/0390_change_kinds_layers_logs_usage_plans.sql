-- Layers, log subscription filters and access log settings, and usage plans changed on one node
-- reach the others through the change log.

ALTER TABLE cluster_changes DROP CONSTRAINT cluster_changes_kind_check;
ALTER TABLE cluster_changes ADD CONSTRAINT cluster_changes_kind_check
  CHECK (kind IN ('function', 'api', 'iam', 'events', 'deployments', 'topics', 'streams', 'mappings',
                  'layers', 'logs', 'usageplans'));
