// @ts-check
import { readdirSync } from "node:fs";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/**
 * The layer table (docs/ARCHITECTURE.md): what each top-level part of src/ may import, on resolved
 * paths. shared → domain → ports → features → api / cli → compose / main; adapters only from the
 * composition root; a feature reaches another feature only through its index.ts or a port.
 * Every folder of src/ must be listed: a new one fails the lint until it is placed in a layer.
 */
const FEATURES = [
  "invoker",
  "gateway",
  "events",
  "control",
  "telemetry",
  "metrics",
  "iam",
  "stacks",
  "cluster",
  "buses",
  "queues",
  "streams",
  "deployments",
  "mappings",
  "dev",
  "topics",
];
const BASE = ["shared", "domain", "ports"];
/** @type {Record<string, { may: string[]; features?: boolean }>} */
const LAYERS = {
  shared: { may: [] },
  domain: { may: ["shared"] },
  ports: { may: ["shared", "domain"] },
  config: { may: ["shared", "domain"] },
  adapters: { may: [...BASE, "protocol"] },
  ...Object.fromEntries(FEATURES.map((f) => [f, { may: BASE, features: true }])),
  api: { may: BASE, features: true },
  cli: { may: [...BASE, "config", "api"], features: true },
  compose: { may: [...BASE, "config", "adapters", "protocol", ...FEATURES, "api"] },
  "main.ts": { may: [...BASE, "config", "adapters", "protocol", ...FEATURES, "api", "cli", "compose"] },
};

const srcParts = readdirSync(new URL("./src", import.meta.url)).filter((n) => !n.endsWith(".test.ts"));
const unplaced = srcParts.filter((n) => !(n in LAYERS) && !FEATURES.includes(n));
if (unplaced.length) throw new Error(`eslint.config.js: place src/${unplaced.join(", src/")} in the layer table`);

/** Everything of src/ (and the runtime) that `part` must not import. */
function zonesFor(part) {
  const { may, features } = LAYERS[part];
  const target = part.endsWith(".ts") ? `./src/${part}` : `./src/${part}/**`;
  const zones = [];
  for (const other of srcParts) {
    if (other === part || may.includes(other)) continue;
    const isFeature = FEATURES.includes(other);
    if (isFeature && features) {
      zones.push({
        target,
        from: `./src/${other}`,
        except: ["./index.ts"],
        message: `a feature reaches src/${other} only through its index.ts or a port`,
      });
      continue;
    }
    zones.push({ target, from: `./src/${other}${other.endsWith(".ts") ? "" : "/**"}`, message: layerMessage(part) });
  }
  zones.push({
    target,
    from: "./runtime/**",
    message: "the runtime runs inside instances; only the frame protocol is shared (protocol/)",
  });
  if (!may.includes("protocol")) zones.push({ target, from: "./protocol/**", message: layerMessage(part) });
  return zones;
}

function layerMessage(part) {
  const { may, features } = LAYERS[part];
  const allowed = may.map((m) => `src/${m}`);
  if (features) allowed.push("the index.ts of a feature");
  const list = allowed.length ? allowed.join(", ") : "nothing of src/ but itself";
  return `src/${part} may import only ${list} (layers point down; see docs/ARCHITECTURE.md)`;
}

const ADAPTER_LIBS = ["better-sqlite3", "pg", "node:child_process", "child_process"];
const notAdapterLibs = {
  "no-restricted-imports": [
    "error",
    { paths: ADAPTER_LIBS.map((name) => ({ name, message: "only src/adapters talks to databases and processes" })) },
  ],
};

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "test/fixtures/**", "bench/peers/**", "coverage/**", "examples/**/*.ts"] },
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["test/**/*.ts", "**/*.test.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-floating-promises": "off",
    },
  },
  // The layer table, on resolved paths: a file one folder deeper cannot climb past its layer.
  {
    files: ["src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: Object.keys(LAYERS).flatMap(zonesFor) }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/adapters/**", "src/compose/**", "src/main.ts", "**/*.test.ts"],
    rules: notAdapterLibs,
  },
  // Only config/ reads the environment; every other part gets its options handed to it.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/config/**", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "only src/config reads the environment" },
      ],
    },
  },
  {
    files: ["runtime/**/*.ts", "protocol/**/*.ts"],
    rules: {
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: "./runtime/**", from: "./src/**", message: "the runtime imports nothing from the server" },
            { target: "./protocol/**", from: "./src/**", message: "the frame protocol imports nothing" },
            { target: "./protocol/**", from: "./runtime/**", message: "the frame protocol imports nothing" },
          ],
        },
      ],
    },
  },
);
