/**
 * The AWS CLI v2 as the tests run it: Debian's `/usr/bin/aws` (a pyenv `aws` v1 shim may come first
 * on PATH), against one endpoint, with only the credentials given — no config or credentials
 * files, no instance metadata, no retries, no pager.
 */
import { spawn } from "node:child_process";

export const AWS_CLI = "/usr/bin/aws";

/** Where and as whom the CLI calls. */
export interface AwsCliTarget {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** The CLI's HOME (its cache); a path that does not exist by default. */
  readonly home?: string | undefined;
}

/** How one CLI run ended. */
export interface AwsCliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a CLI run gets: `target`'s credentials and region, then `extra`. */
export function awsCliEnv(target: AwsCliTarget, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    HOME: target.home ?? "/nonexistent",
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    AWS_DEFAULT_REGION: target.region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    ...extra,
  };
}

/** Runs `aws <args> --endpoint-url <endpoint> --output json` (`json: false` leaves the output option out). */
export function runAwsCli(
  target: AwsCliTarget,
  args: readonly string[],
  o: { readonly json?: boolean; readonly env?: Readonly<Record<string, string>>; readonly cwd?: string } = {},
): Promise<AwsCliResult> {
  const all = [...args, "--endpoint-url", target.endpoint, ...(o.json === false ? [] : ["--output", "json"])];
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_CLI, all, {
      env: awsCliEnv(target, o.env),
      cwd: o.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Its JSON output, parsed (`{}` when it printed nothing); a run that fails throws with its stderr. */
export async function awsCliJson<T = Record<string, unknown>>(
  target: AwsCliTarget,
  args: readonly string[],
): Promise<T> {
  const r = await runAwsCli(target, args);
  if (r.code !== 0) throw new Error(`aws ${args.join(" ")} exited ${String(r.code)}:\n${r.stderr}`);
  return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as T;
}
