/**
 * 1,000 edits in a row under `haneul dev`: on the 20-function template (plain JS, each behind an
 * HttpApi route), one function's file is rewritten and saved, and each time the bench waits until
 * the new code answers. The RSS of the `haneul dev` process and the sum over its descendants (the
 * instances) are sampled before the first edit and every 100 edits; the slope (least squares, MB
 * per 100 edits) is taken from edit 100 on, so the first warm-up is left out.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDev } from "../test/helpers/haneul-dev.js";
import { benchFolder, jsHandler, load, treeRss, until, writeFunctionsApp } from "./dev-app.js";
import { fmt, median } from "./stats.js";

const FUNCTIONS = 20;
const EDITS = Number(process.env["DEV_EDITS"] ?? 1000);
const EVERY = 100;

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return num / den;
}

const app = benchFolder("dev-edits");
writeFunctionsApp(app, FUNCTIONS);
const loadBefore = load();
const dev = await startDev(app);
try {
  for (let i = 0; i < FUNCTIONS; i++) await until(dev.root, `/f${i}`, `f${i} v0`);
  const pid = dev.child.pid as number;
  const samples = [{ edits: 0, ...treeRss(pid) }];
  const reloads: number[] = [];
  for (let n = 1; n <= EDITS; n++) {
    writeFileSync(join(app, "f0", "index.js"), jsHandler(0, n));
    reloads.push(await until(dev.root, "/f0", `f0 v${n}`));
    if (n % EVERY === 0) {
      samples.push({ edits: n, ...treeRss(pid) });
      console.error(`${n} edits, load ${load()}`);
    }
  }
  console.log(`load average before: ${loadBefore}; after: ${load()}`);
  console.log(`| edits | haneul dev RSS | descendants' RSS (processes) |`);
  for (const s of samples)
    console.log(`| ${s.edits} | ${fmt(s.selfMb, 1)} MB | ${fmt(s.descendantsMb, 1)} MB (${s.count}) |`);
  const later = samples.filter((s) => s.edits >= EVERY);
  const x = later.map((s) => s.edits / EVERY);
  const selfSlope = slope(
    x,
    later.map((s) => s.selfMb),
  );
  const treeSlope = slope(
    x,
    later.map((s) => s.selfMb + s.descendantsMb),
  );
  console.log(
    `slope from edit ${EVERY} on: haneul dev ${fmt(selfSlope, 2)} MB / 100 edits; whole tree ${fmt(treeSlope, 2)} MB / 100 edits`,
  );
  console.log(`reload (edit → new code answers): median ${fmt(median(reloads), 1)} ms over ${EDITS}`);
} finally {
  await dev.stop();
  rmSync(app, { recursive: true, force: true });
}
