/** `haneul generate-event <source> <type> [--option value …]`: a sample event on stdout (as `sam local generate-event`). */
import { COMMON_OPTIONS, generateEvent, SAMPLE_EVENTS } from "../dev/index.js";

function sourcesUsage(): string {
  const lines = Object.entries(SAMPLE_EVENTS).flatMap(([source, types]) =>
    Object.entries(types).map(([type, t]) => `  ${`${source} ${type}`.padEnd(32)} ${t.summary}`),
  );
  return `usage: haneul generate-event <source> <type> [--option value …]

Prints a sample event, in the shape the AWS service hands it to Lambda, for
'haneul invoke <LogicalId> --event <file>'. Every type takes ${Object.keys(COMMON_OPTIONS)
    .map((o) => `--${o}`)
    .join(", ")};
'haneul generate-event <source> <type> --help' lists its own options.

${lines.join("\n")}
`;
}

function typeUsage(source: string, type: string): string {
  const t = SAMPLE_EVENTS[source]?.[type];
  const options = { ...COMMON_OPTIONS, ...(t?.options ?? {}) };
  const lines = Object.entries(options).map(([name, d]) => `  --${name.padEnd(16)} (default ${JSON.stringify(d)})`);
  return `usage: haneul generate-event ${source} ${type} [--option value …]\n\n${t?.summary ?? ""}\n\n${lines.join("\n")}\n`;
}

/** Splits `--name value` pairs (and `--name=value`); a flag without its value is an error. */
function optionsOf(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("--")) throw new Error(`unexpected argument '${arg}'`);
    const eq = arg.indexOf("=");
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      out[arg.slice(2)] = value;
      i++;
    }
  }
  return out;
}

/** Runs `haneul generate-event`; resolves to the exit status. */
export function runGenerateEventCommand(args: string[]): Promise<number> {
  const [source, type, ...rest] = args;
  const help = args.includes("--help") || args.includes("-h");
  if (source === undefined || source.startsWith("-") || type === undefined || type.startsWith("-")) {
    const known = source !== undefined && SAMPLE_EVENTS[source] !== undefined;
    (help || source === undefined || known ? process.stdout : process.stderr).write(sourcesUsage());
    return Promise.resolve(help || known ? 0 : 2);
  }
  if (help) {
    process.stdout.write(typeUsage(source, type));
    return Promise.resolve(0);
  }
  try {
    process.stdout.write(`${JSON.stringify(generateEvent(source, type, optionsOf(rest)), null, 2)}\n`);
    return Promise.resolve(0);
  } catch (e) {
    process.stderr.write(`haneul generate-event: ${(e as Error).message}\n`);
    return Promise.resolve(2);
  }
}
