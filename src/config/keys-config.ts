import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul keys`, validated and frozen. */
export interface KeysConfig {
  readonly action: "create" | "list" | "delete";
  /** Where the node's administrator key is (`<data>/credentials`). */
  readonly dataDir: string;
  /** The node's control API. */
  readonly endpoint: string;
  readonly user?: string | undefined;
  readonly policyFile?: string | undefined;
  readonly managedPolicy?: string | undefined;
  /** The administrator key from the environment, when set (else the data directory's). */
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** Usage text of `haneul keys`. */
export const KEYS_USAGE = `usage: haneul keys create --user <name> (--policy-file <file> | --managed-policy <name>)
       haneul keys list
       haneul keys delete --user <name>

Creates, lists and deletes IAM users with access keys on a running node, signed with the
node's administrator key (<data>/credentials, or HANEUL_ACCESS_KEY_ID/HANEUL_SECRET_ACCESS_KEY).

  --user <name>            the IAM user (letters, digits and +=,.@_-)
  --policy-file <file>     an IAM policy document (JSON) given to the user as its inline policy
  --managed-policy <name>  an AWS managed policy attached instead, e.g. AWSLambda_ReadOnlyAccess
  --data <dir>             the node's data directory (HANEUL_DATA, default .haneul)
  --endpoint <url>         the node's control API (default http://127.0.0.1:<HANEUL_API_PORT or 3001>)
`;

/** Reads `haneul keys` options from `argv` and `env`; throws ConfigError with one clear line. */
export function loadKeysConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  cwd = process.cwd(),
): KeysConfig {
  const [action, ...rest] = argv;
  if (action !== "create" && action !== "list" && action !== "delete") {
    throw new ConfigError(`unknown or missing action '${action ?? ""}' (create, list or delete)`);
  }
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        user: { type: "string" },
        "policy-file": { type: "string" },
        "managed-policy": { type: "string" },
        data: { type: "string" },
        endpoint: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (action !== "list" && !values["user"]) throw new ConfigError(`keys ${action} needs --user <name>`);
  if (action === "create" && (values["policy-file"] === undefined) === (values["managed-policy"] === undefined)) {
    throw new ConfigError("keys create needs exactly one of --policy-file and --managed-policy");
  }
  const id = env["HANEUL_ACCESS_KEY_ID"] || undefined;
  const secret = env["HANEUL_SECRET_ACCESS_KEY"] || undefined;
  return Object.freeze({
    action,
    dataDir: resolve(cwd, values["data"] ?? (env["HANEUL_DATA"] || ".haneul")),
    endpoint: values["endpoint"] ?? `http://127.0.0.1:${env["HANEUL_API_PORT"] || "3001"}`,
    user: values["user"],
    policyFile: values["policy-file"] && resolve(cwd, values["policy-file"]),
    managedPolicy: values["managed-policy"],
    adminKey: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
  });
}

/** `loadKeysConfig` over this process's environment. */
export function loadKeysConfigFromProcess(argv: readonly string[]): KeysConfig {
  return loadKeysConfig(process.env, argv);
}
