-- IAM changes (users, keys, roles, policies) are announced in the change log too, so that every
-- node of a cluster signs and authorizes with the same identities.
ALTER TABLE cluster_changes DROP CONSTRAINT cluster_changes_kind_check;
ALTER TABLE cluster_changes ADD CONSTRAINT cluster_changes_kind_check CHECK (kind IN ('function', 'api', 'iam'));
