import { createRequire } from "node:module";

// The layer's packages are under /opt/nodejs/node_modules, on the module path of Node.js functions.
const require = createRequire(import.meta.url);

/** Receives every kind of event the template subscribes it to. */
export const handler = async (event) => {
  const { formatId } = require("format-id");
  const records = event.Records?.length ?? 0;
  console.log(`event with ${records} records from ${event.source ?? event.Records?.[0]?.eventSource ?? "a trigger"}`);
  return { handled: records, id: formatId(records) };
};
