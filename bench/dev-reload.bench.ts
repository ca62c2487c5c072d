/**
 * `haneul dev`'s reload: from a saved edit to the new code answering over HTTP, for a TypeScript
 * function (esbuild, incremental) and a JavaScript one, on examples/dev-app, with `haneul dev`
 * running as a user runs it (a child process, real file writes, real HTTP polling every 2 ms).
 * Baseline in the same run: the same TypeScript change through a cold `haneul build` +
 * `haneul deploy` (two CLI starts, a change set) to the same node, until the new code answers.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { benchFolder, CLI, load, ROOT, until as untilAt } from "./dev-app.js";
import { fmt, median, percentile } from "./stats.js";

const ROUNDS = 30;
const DEPLOY_ROUNDS = 3;
const run = promisify(execFile);

const app = benchFolder("dev");
cpSync(join(ROOT, "examples", "dev-app"), app, { recursive: true });
const child = spawn(process.execPath, [CLI, "dev", "--json", "--port", "0", "--lambda-port", "0"], {
  cwd: app,
  stdio: ["ignore", "pipe", "ignore"],
});
let rootUrl = "";
child.stdout.on("data", (d: Buffer) => {
  const m = /"type":"routes","root":"([^"]+)"/.exec(d.toString());
  if (m?.[1]) rootUrl = m[1];
});

/** Milliseconds from now until `path` on the root server answers `wanted`. */
const until = (path: string, wanted: string) => untilAt(rootUrl, path, wanted);

function save(file: string, text: string): void {
  writeFileSync(join(app, file), text);
}

const greeting = (word: string) =>
  `export function greeting(name: string): string {\n  return \`${word}, \${name}\`;\n}\n`;
const counter = (n: number) =>
  `let calls = 0;\nexports.handler = async () => {\n  calls += 1;\n  return { statusCode: 200, body: "v${n}" };\n};\n`;

const loadBefore = load();
try {
  while (!rootUrl) await new Promise((r) => setTimeout(r, 20));
  await until("/greet", "hello, world");
  const ts: number[] = [];
  const js: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    save("greeter/greeting.ts", greeting(`hi${i}`));
    ts.push(await until("/greet", `hi${i}, world`));
    save("counter/index.js", counter(i));
    js.push(await until("/count", `v${i}`));
  }
  const state = JSON.parse(readFileSync(join(app, ".haneul", "dev.json"), "utf8")) as { apiUrl: string };
  const deploys: number[] = [];
  for (let i = 0; i < DEPLOY_ROUNDS; i++) {
    save("greeter/greeting.ts", greeting(`deploy${i}`));
    const started = performance.now();
    await run(process.execPath, [CLI, "build", "--build-dir", "cold-build"], { cwd: app });
    const deploy = ["deploy", "--template", "cold-build/template.yaml", "--stack-name", "cold", "--data", ".haneul"];
    const out = await run(process.execPath, [CLI, ...deploy, "--endpoint", state.apiUrl, "--gateway", rootUrl], {
      cwd: app,
    });
    const apiId = /http:\/\/(\w+)\.execute-api/.exec(out.stdout)?.[1] ?? "";
    const answered = await until(`/_api/${apiId}/$default/greet`, `deploy${i}, world`);
    void answered;
    deploys.push(performance.now() - started);
  }
  console.log(`load average before: ${loadBefore}; after: ${load()}`);
  const row = (name: string, v: number[]) =>
    `| ${name.padEnd(52)} | ${fmt(median(v), 1).padStart(8)} ms | ${fmt(percentile(v, 99), 1).padStart(8)} ms | ${fmt(median(deploys) / median(v), 1).padStart(6)} |`;
  console.log(
    `| case                                                 |   median |      p99 | × faster than build+deploy |`,
  );
  console.log(row(`haneul dev, TypeScript edit → new code answers (${ROUNDS})`, ts));
  console.log(row(`haneul dev, JavaScript edit → new code answers (${ROUNDS})`, js));
  console.log(row(`baseline: haneul build + haneul deploy (${DEPLOY_ROUNDS})`, deploys));
} finally {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  await exited;
  rmSync(app, { recursive: true, force: true });
}
