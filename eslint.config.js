// @ts-check
import tseslint from "typescript-eslint";

/** Layers import downward only: shared → domain → ports → features → api/cli → main. */
const layer = (files, banned, message) => ({
  files,
  rules: {
    "no-restricted-imports": ["error", { patterns: [{ group: banned, message }] }],
  },
});

const FEATURES = [
  "**/invoker/**",
  "**/gateway/**",
  "**/events/**",
  "**/control/**",
  "**/telemetry/**",
  "**/cluster/**",
];
const UPPER = ["**/api/**", "**/cli/**", "**/compose/**", "**/main.js", "**/config/**"];
const ADAPTER_LIBS = ["better-sqlite3", "pg", "node:child_process", "child_process"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "test/fixtures/**", "bench/peers/**", "coverage/**"] },
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
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
  layer(
    ["src/shared/**/*.ts"],
    ["../domain/**", "../ports/**", ...FEATURES, ...UPPER, "../adapters/**"],
    "shared imports nothing above it",
  ),
  layer(
    ["src/domain/**/*.ts"],
    [...FEATURES, ...UPPER, "../adapters/**"],
    "domain is pure: no features, adapters or wire code",
  ),
  layer(["src/ports/**/*.ts"], [...FEATURES, ...UPPER, "../adapters/**"], "ports depend on shared and domain only"),
  layer(
    [
      "src/invoker/**/*.ts",
      "src/gateway/**/*.ts",
      "src/events/**/*.ts",
      "src/control/**/*.ts",
      "src/telemetry/**/*.ts",
      "src/cluster/**/*.ts",
    ],
    [...UPPER, "../adapters/**", ...ADAPTER_LIBS],
    "features meet through ports; adapters are wired in the composition root",
  ),
  layer(
    ["src/api/**/*.ts"],
    ["../cli/**", "../compose/**", "../main.js", "../adapters/**", ...ADAPTER_LIBS],
    "api is wire code over the features",
  ),
  layer(
    ["runtime/**/*.ts"],
    ["**/src/**", "../../src/**"],
    "the runtime runs inside instances and imports nothing from the server",
  ),
);
