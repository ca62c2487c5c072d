-- Lambda layers: the next version number of each layer (kept after its versions are deleted, so a
-- number never repeats) and the published versions (their zips live in the code store).

CREATE TABLE layers (
  name         TEXT PRIMARY KEY,
  next_version INTEGER NOT NULL
);

CREATE TABLE layer_versions (
  name                     TEXT NOT NULL,
  version                  INTEGER NOT NULL,
  description              TEXT NOT NULL,
  license_info             TEXT,
  compatible_runtimes      TEXT NOT NULL,
  compatible_architectures TEXT NOT NULL,
  code_sha256              TEXT NOT NULL,
  code_size                INTEGER NOT NULL,
  unzipped_size            INTEGER NOT NULL,
  created_at               INTEGER NOT NULL,
  policy                   TEXT,
  revision_id              TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
