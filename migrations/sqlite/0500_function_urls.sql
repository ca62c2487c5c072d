-- Function URLs (CreateFunctionUrlConfig): at most one per function (qualifier '') or alias. The
-- configuration is JSON (FunctionUrlRecord of src/ports/function-url-store.ts); the id and the
-- function and qualifier it belongs to have their own columns for lookups and uniqueness.

CREATE TABLE function_urls (
  url_id        TEXT NOT NULL PRIMARY KEY,
  function_name TEXT NOT NULL,
  qualifier     TEXT NOT NULL,
  body          TEXT NOT NULL,
  UNIQUE (function_name, qualifier)
);
