import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LIMITS, SUPPORTED_RUNTIMES } from "../domain/function-spec.js";
import { runtimesSettings, type RuntimesSettings } from "./runtimes-dir.js";

/** Options of `haneul invoke`, validated. */
export interface InvokeCommandOptions {
  /** The code: a directory, or a deployment package (`.zip`) extracted before the run. */
  readonly code: { readonly kind: "dir" | "zip"; readonly path: string };
  readonly handler: string;
  readonly runtime: string;
  readonly functionName: string;
  readonly eventSource: string | undefined;
  readonly timeoutSec: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly region: string;
  /** PATH handed to the instance. */
  readonly path: string;
  /** Where Node.js majors other than this one's are installed. */
  readonly runtimes: RuntimesSettings;
  readonly help: boolean;
}

export const INVOKE_USAGE = `usage: haneul invoke --code <dir> --handler <file.export> [options]
       haneul invoke <LogicalId> [--event <file>] [--template <file>]   (a function of a SAM template)

Runs one invocation of a function, like 'sam local invoke' without Docker.
The result is printed on stdout, the function's logs on stderr; the exit status
is 1 when the function fails.

options:
  --code <dir>|<zip>    directory holding the function's code (LAMBDA_TASK_ROOT), or a
                        deployment package (.zip), as 'aws lambda create-function' takes it
  --handler <h>         handler, e.g. index.handler or src/app.main (Node.js runtimes)
  --runtime <r>         ${SUPPORTED_RUNTIMES.join(", ")}
                        (default nodejs20.x; provided.al2023 when the directory has a bootstrap and no --handler)
  --event <file>|-      event JSON from a file or stdin (default {})
  --timeout <s>         timeout in seconds, ${LIMITS.minTimeoutSec}-${LIMITS.maxTimeoutSec} (default ${LIMITS.defaultTimeoutSec})
  --memory <MB>         memory size, ${LIMITS.minMemoryMb}-${LIMITS.maxMemoryMb} (default ${LIMITS.defaultMemoryMb})
  --env K=V             environment variable for the function (repeatable)
  --name <name>         function name (default: the code directory's name)
  --region <r>          AWS_REGION for the function (default $HANEUL_REGION or us-east-1)
`;

const schema = z.object({
  code: z.string({ error: "--code is required" }).min(1),
  handler: z.string().max(128).optional(),
  runtime: z.string().optional(),
  event: z.string().optional(),
  timeout: z.coerce
    .number()
    .int()
    .min(LIMITS.minTimeoutSec)
    .max(LIMITS.maxTimeoutSec)
    .default(LIMITS.defaultTimeoutSec),
  memory: z.coerce.number().int().min(LIMITS.minMemoryMb).max(LIMITS.maxMemoryMb).default(LIMITS.defaultMemoryMb),
  env: z.array(z.string().regex(/^[a-zA-Z]\w*=/, "--env takes KEY=VALUE")).default([]),
  name: z
    .string()
    .regex(/^[a-zA-Z0-9-_]{1,64}$/, "--name must match [a-zA-Z0-9-_]{1,64}")
    .optional(),
  region: z.string().optional(),
});

/** Parses `haneul invoke` arguments and the environment; throws an Error with a readable message on bad input. */
export function parseInvokeOptions(args: string[], env: NodeJS.ProcessEnv = process.env): InvokeCommandOptions {
  const { values } = parseArgs({
    args,
    options: {
      code: { type: "string" },
      handler: { type: "string" },
      runtime: { type: "string" },
      event: { type: "string" },
      timeout: { type: "string" },
      memory: { type: "string" },
      env: { type: "string", multiple: true },
      name: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return { help: true } as InvokeCommandOptions;
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    // The flag alone: `--env.0` would be an internal path to the user.
    const flagOf = (i: z.core.$ZodIssue) => `--${String(i.path[0] ?? "options")}`;
    throw new Error(
      parsed.error.issues
        .map((i) => (i.message.startsWith("--") ? i.message : `${flagOf(i)}: ${i.message}`))
        .join("\n"),
    );
  }
  const v = parsed.data;
  const code = readCodeArgument(v.code);
  if (code.kind === "zip" && !v.handler && !v.runtime) {
    throw new Error("--handler is required with a .zip (or --runtime provided.al2023 for a package with a bootstrap)");
  }
  const runtime =
    v.runtime ?? (!v.handler && existsSync(resolve(code.path, "bootstrap")) ? "provided.al2023" : "nodejs20.x");
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw new Error(`--runtime: ${runtime} is not supported; use one of ${SUPPORTED_RUNTIMES.join(", ")}`);
  }
  if (!v.handler && runtime.startsWith("nodejs")) throw new Error("--handler is required for Node.js runtimes");
  const environment = Object.fromEntries(
    v.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const name =
    v.name ??
    basename(code.path, ".zip")
      .replace(/[^a-zA-Z0-9-_]/g, "-")
      .slice(0, 64);
  return {
    code,
    handler: v.handler ?? "bootstrap",
    runtime,
    functionName: name || "function",
    eventSource: v.event,
    timeoutSec: v.timeout,
    memoryMb: v.memory,
    environment,
    region: v.region ?? env["HANEUL_REGION"] ?? "us-east-1",
    path: env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
    runtimes: runtimesSettings(env),
    help: false,
  };
}

/** `--code` names a directory or a deployment package; anything else is refused with what was expected. */
function readCodeArgument(value: string): InvokeCommandOptions["code"] {
  const path = resolve(value);
  if (!existsSync(path)) throw new Error(`--code: no such file or directory: ${path}`);
  if (statSync(path).isDirectory()) return { kind: "dir", path };
  if (path.toLowerCase().endsWith(".zip")) return { kind: "zip", path };
  throw new Error(`--code: ${path} is a file; give the code's directory or a .zip deployment package`);
}
