-- Function URLs (CreateFunctionUrlConfig): at most one per function (qualifier '') or alias. The
-- configuration is JSON text (FunctionUrlRecord of src/ports/function-url-store.ts); the id and the
-- function and qualifier it belongs to have their own columns for lookups and uniqueness.

CREATE TABLE function_urls (
  url_id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  function_name TEXT COLLATE "C" NOT NULL,
  qualifier     TEXT COLLATE "C" NOT NULL,
  body          TEXT COLLATE "C" NOT NULL,
  UNIQUE (function_name, qualifier)
);
