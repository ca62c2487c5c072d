/** `haneul dev`: a node in this process, the template deployed and watched, the APIs served, a live log. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  DEV_USAGE,
  loadDevConfigFromProcess,
  loadTemplateInvokeConfigFromProcess,
  type DevConfig,
  type TemplateInvokeConfig,
} from "../config/dev-config.js";
import { ConfigError } from "../config/server-config.js";
import { DevControlServer, DevRootServer, instanceShapes } from "../dev/index.js";
import { schedulerBus } from "../buses/index.js";
import { isObject } from "../domain/template/values.js";
import { readTemplate } from "../domain/template/read.js";
import type { InstanceShape } from "../domain/function-spec.js";
import { systemClock } from "../shared/clock.js";
import type { CliDeps, RunningNode } from "./deps.js";
import { DevLoop } from "./dev-loop.js";
import { DevOutput } from "./dev-output.js";
import { DevStack } from "./dev-stack.js";

/** The file a running `haneul dev` leaves in its data directory, for `haneul invoke` to find the node. */
export const DEV_STATE_FILE = "dev.json";

/** `haneul dev`: runs until SIGINT or SIGTERM; resolves to the exit status. */
export async function runDevCommand(args: string[], deps: CliDeps): Promise<number> {
  if (args[0] === "trigger") return runDevTrigger(args.slice(1));
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(DEV_USAGE);
    return 0;
  }
  let config: DevConfig;
  try {
    config = loadDevConfigFromProcess(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul dev: ${e.message}\n\n${DEV_USAGE}`);
    return 2;
  }
  if (config.inspect && !(await loopbackPortFree(config.inspect.port))) {
    const port = config.inspect.port;
    process.stderr.write(
      `haneul dev: --inspect-port ${port}: 127.0.0.1:${port} is in use (another debugger or program); choose another port\n`,
    );
    return 1;
  }
  mkdirSync(config.server.dataDir, { recursive: true });
  const out = new DevOutput(config);
  const stopSignal = nextSignal();
  // The template's functions, read before the node starts: their processes start as soon as the
  // node listens, while the rest of it starts and the template is built (undefined: the template
  // does not read; the first deploy that reads it starts them).
  const shapes = functionShapes(config.templateFile);
  let node: RunningNode;
  try {
    node = await deps.startNode(config.server, {
      onRecord: (r) => out.record(r),
      warmChangedFunctions: true,
      prestartInstances: shapes,
    });
  } catch (e) {
    process.stderr.write(`haneul dev: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  const tools = deps.devBuildTools();
  const stack = new DevStack(
    { apiUrl: node.apiUrl, region: config.server.region, credentials: node.accessKey },
    {
      templateFile: config.templateFile,
      buildDir: config.buildDir,
      stackName: config.stackName,
      tools,
      envVarsFile: config.envVarsFile,
      prestart: shapes ? undefined : (functions) => node.prestartInstances(functions),
    },
  );
  const root = new DevRootServer(node.gatewayUrl ?? "");
  const loop = new DevLoop({ config, stack, tools, out, clock: systemClock });
  const control = new DevControlServer((logicalId) => fireByHand(node, stack, logicalId));
  try {
    const rootUrl = await root.listen(config.port, config.host);
    const controlUrl = await control.listen();
    let debugged: string | undefined;
    const published = () => {
      root.setApis(stack.apis());
      const names = new Map(stack.resources.map((r) => [r.physicalId, r.logicalId]));
      out.nameOf = (name) => names.get(name) ?? name;
      out.routes(stack.apis(), rootUrl);
      debugged = inspectTarget({ config, stack, node, out, debugged });
    };
    out.info(
      [
        `haneul dev: ${config.templateFile} as stack ${config.stackName}`,
        `  APIs         ${rootUrl}  (Ctrl+C to stop)`,
        `  Lambda API   ${node.apiUrl}   (region ${config.server.region})`,
        `  Data         ${config.server.dataDir}`,
      ].join("\n"),
    );
    // Written before the first deploy prints the route table: whoever waits for that table (a test,
    // `haneul invoke`, `haneul dev trigger`) finds the address already there.
    writeFileSync(
      join(config.server.dataDir, DEV_STATE_FILE),
      JSON.stringify({
        pid: process.pid,
        apiUrl: node.apiUrl,
        rootUrl,
        stackName: config.stackName,
        region: config.server.region,
        controlUrl,
        token: control.token,
      }),
      { mode: 0o600 },
    );
    const started = systemClock.monotonicNow();
    const first = await stack.deploy().catch((e: unknown) => ({ ok: false as const, reason: out.describe(e) }));
    if (first.ok) {
      out.deployed(first.changes, systemClock.monotonicNow() - started);
      published();
    } else out.reloadFailed("template", `${first.reason}\n(fix it and save: the template is deployed again)`);
    loop.onDeployed = published;
    if (config.watch) {
      loop.start();
      out.info(`Watching ${config.templateFile} and the code it names.`);
    }
    const signal = await stopSignal;
    out.info(`\nhaneul dev: ${signal} received, stopping`);
    return 0;
  } catch (e) {
    process.stderr.write(`haneul dev: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await loop.stop();
    await control.close();
    await root.close();
    stack.destroy();
    await tools.dispose();
    await node.stop();
    rmSync(join(config.server.dataDir, DEV_STATE_FILE), { force: true });
  }
}

/** The runtime, memory and /tmp size of each function of the template, or undefined when it does not read. */
function functionShapes(templateFile: string): readonly InstanceShape[] | undefined {
  try {
    return instanceShapes(readTemplate(readFileSync(templateFile, "utf8"), templateFile).body);
  } catch {
    return undefined;
  }
}

/** `haneul dev trigger <LogicalId>`: a scheduled rule or schedule of the stack fired now. */
async function fireByHand(node: RunningNode, stack: DevStack, logicalId: string): Promise<string> {
  const scheduled = stack.resources.filter(
    (r) => r.type === "AWS::Events::Rule" || r.type === "AWS::Scheduler::Schedule",
  );
  const found = scheduled.find((r) => r.logicalId === logicalId);
  if (!found) {
    const names = scheduled.map((r) => r.logicalId).join(", ") || "none";
    throw new Error(`${logicalId} is not a rule or schedule of the stack (there are: ${names})`);
  }
  if (found.type === "AWS::Events::Rule") {
    const [bus, name] = found.physicalId.includes("|") ? found.physicalId.split("|") : ["default", found.physicalId];
    await node.fireSchedule(bus ?? "default", name ?? "");
  } else {
    const resource = isObject(stack.body.Resources) ? stack.body.Resources[logicalId] : undefined;
    const props = isObject(resource) && isObject(resource.Properties) ? resource.Properties : {};
    const group = typeof props.GroupName === "string" ? props.GroupName : "default";
    await node.fireSchedule(schedulerBus(group), found.physicalId);
  }
  return `${logicalId} fired`;
}

/** The client side: asks the `haneul dev` running for the template (in this folder, or --template's). */
async function runDevTrigger(args: string[]): Promise<number> {
  let config: TemplateInvokeConfig;
  try {
    config = loadTemplateInvokeConfigFromProcess(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(
      `haneul dev trigger: ${e.message}\nusage: haneul dev trigger <LogicalId> [--template <file>]\n`,
    );
    return 2;
  }
  let state: { controlUrl?: string; token?: string };
  try {
    state = JSON.parse(readFileSync(join(config.devDataDir, DEV_STATE_FILE), "utf8")) as typeof state;
  } catch {
    process.stderr.write(`haneul dev trigger: no haneul dev is running for ${config.templateFile}\n`);
    return 1;
  }
  const res = await fetch(`${state.controlUrl ?? ""}/trigger/${config.logicalId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${state.token ?? ""}` },
  }).catch(() => undefined);
  const body = res ? ((await res.json()) as { message: string }) : { message: "haneul dev does not answer" };
  (res?.ok ? process.stdout : process.stderr).write(`${res?.ok ? "" : "haneul dev trigger: "}${body.message}\n`);
  return res?.ok ? 0 : 1;
}

/**
 * `--inspect`: the debugged function's physical name after a deploy, its instances given the
 * inspector (again after a replacement, which renames it); undefined when the template lacks it.
 */
function inspectTarget(o: {
  config: DevConfig;
  stack: DevStack;
  node: RunningNode;
  out: DevOutput;
  debugged: string | undefined;
}): string | undefined {
  const want = o.config.inspect;
  if (!want) return undefined;
  const fn = o.stack.resources.find((r) => r.logicalId === want.logicalId && r.type === "AWS::Lambda::Function");
  if (fn?.physicalId === o.debugged) return o.debugged;
  if (o.debugged !== undefined) o.node.inspect(o.debugged, undefined);
  if (!fn) {
    o.out.reloadFailed("template", `--inspect: the template has no function ${want.logicalId}`);
    return undefined;
  }
  o.node.inspect(fn.physicalId, want.port);
  o.out.debugging(want.logicalId, want.port);
  return fn.physicalId;
}

/** Whether a listener can bind `port` on the loopback now (the debugged instance's forwarder binds it later). */
function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
