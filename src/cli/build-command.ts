import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { readSamConfig } from "../domain/template/overrides.js";
import { describeTemplateError } from "../domain/template/values.js";
import { isPlatformError } from "../shared/errors.js";
import { BuildError, runBuild } from "../stacks/index.js";
import type { CliDeps } from "./deps.js";

export const BUILD_USAGE = `usage: haneul build [--template <file>] [--build-dir <dir>] [--config-env <env>]

Builds a SAM template's functions and layers as 'sam build' does: each Node.js function's
production dependencies installed from its package.json (npm ci with a lockfile, npm install
without), esbuild bundles for functions with 'Metadata: BuildMethod: esbuild', Node.js layers
into nodejs/node_modules. Writes the artifacts and a built template into the build directory.
Functions and layers whose inputs did not change since the last build are not rebuilt.

options:
  -t, --template <file>    the template (default: template.yaml, else template.yml)
  -b, --build-dir <dir>    where to write artifacts (default: .haneul-build)
  --config-file <file>     samconfig.toml to read template_file and build_dir from (default: samconfig.toml)
  --config-env <env>       its environment (default: default)
  -h, --help               this help
`;

/** The build settings samconfig.toml gives (`[env.build.parameters]` over `[env.global.parameters]`), when the file exists. */
function samConfig(file: string, env: string): { template_file?: string; build_dir?: string } {
  if (!existsSync(file)) return {};
  const section = readSamConfig(readFileSync(file, "utf8"), "build", env);
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { template_file: text(section.template_file), build_dir: text(section.build_dir) };
}

function defaultTemplate(): string {
  return existsSync("template.yaml") || !existsSync("template.yml") ? "template.yaml" : "template.yml";
}

/** `haneul build`: exit 0 when built, 1 when the build failed, 2 for bad arguments. */
export async function runBuildCommand(args: string[], deps: CliDeps): Promise<number> {
  let values: {
    template?: string;
    "build-dir"?: string;
    "config-file"?: string;
    "config-env"?: string;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args,
      options: {
        template: { type: "string", short: "t" },
        "build-dir": { type: "string", short: "b" },
        "config-file": { type: "string" },
        "config-env": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`haneul build: ${(e as Error).message} (see 'haneul help build')\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(BUILD_USAGE);
    return 0;
  }
  try {
    const config = samConfig(values["config-file"] ?? "samconfig.toml", values["config-env"] ?? "default");
    const templateFile = values.template ?? config.template_file ?? defaultTemplate();
    const result = await runBuild({
      templateFile,
      buildDir: values["build-dir"] ?? config.build_dir ?? ".haneul-build",
      tools: deps.buildTools,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const shown = (p: string) => relative(process.cwd(), p) || ".";
    process.stdout.write(
      `Build Succeeded (${result.built.length} built, ${result.reused.length} unchanged)\n\n` +
        `Built Artifacts  : ${shown(result.buildDir)}\nBuilt Template   : ${shown(result.builtTemplate)}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof BuildError) process.stderr.write(`Build Failed\nError: ${e.message}\n`);
    else if (isPlatformError(e)) process.stderr.write(`Build Failed\nError: ${describeTemplateError(e)}\n`);
    else throw e;
    return 1;
  }
}
