-- Customer managed IAM policies: one row per policy (names unique without regard to case, as in
-- IAM), its body the policy with its versions (at most 5) and tags as JSON. Attachments stay in
-- iam_attached_policies, by ARN. Role tags live in the role's body.

CREATE TABLE iam_policies (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  body TEXT NOT NULL
);
