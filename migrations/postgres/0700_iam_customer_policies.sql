-- Customer managed IAM policies: one row per policy (names unique without regard to case, as in
-- IAM), its body the policy with its versions (at most 5) and tags as JSON. Attachments stay in
-- iam_attached_policies, by ARN. Role tags live in the role's body.

CREATE TABLE iam_policies (
  seq  BIGSERIAL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX iam_policies_name ON iam_policies (lower(name));
