-- Lambda layers: the next version number of each layer (kept after its versions are deleted, so a
-- number never repeats) and the published versions (their zips live in the shared zip store).

CREATE TABLE layers (
  name         TEXT COLLATE "C" PRIMARY KEY,
  next_version INTEGER NOT NULL
);

CREATE TABLE layer_versions (
  name                     TEXT COLLATE "C" NOT NULL,
  version                  INTEGER NOT NULL,
  description              TEXT NOT NULL,
  license_info             TEXT,
  compatible_runtimes      TEXT NOT NULL,
  compatible_architectures TEXT NOT NULL,
  code_sha256              TEXT NOT NULL,
  code_size                BIGINT NOT NULL,
  unzipped_size            BIGINT NOT NULL,
  created_at               BIGINT NOT NULL,
  policy                   TEXT,
  revision_id              TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
