import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, beforeEach } from "node:test";
import { zipSync } from "fflate";
import { FsCodeStore } from "../../src/adapters/fs-code-store.js";
import { SqliteStore } from "../../src/adapters/sqlite/sqlite-store.js";
import { LambdaControlPlane } from "../../src/control/index.js";
import type { CreateFunctionInput } from "../../src/control/types.js";
import { ManualClock } from "../../src/shared/clock.js";
import { isPlatformError, type ErrorCode } from "../../src/shared/errors.js";
import type { IdSource } from "../../src/shared/ids.js";
import { tempDir } from "./temp-dir.js";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-role`;
export const START = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/** Predictable UUID-shaped ids. */
export function counterIds(): IdSource {
  let n = 0;
  return {
    requestId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    hex: (bytes) => String(++n).padStart(bytes * 2, "0"),
  };
}

/** A real zip of `files` (name → text). */
export function zipOf(files: Record<string, string>): Buffer {
  const enc = new TextEncoder();
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, enc.encode(v)]))));
}

export const HANDLER_ZIP = zipOf({ "index.js": "exports.handler = async (e) => e;" });

/** A valid CreateFunction input; fields overridable. */
export function createInput(name: string, over: Partial<CreateFunctionInput> = {}): CreateFunctionInput {
  return {
    FunctionName: name,
    Runtime: "nodejs20.x",
    Role: ROLE,
    Handler: "index.handler",
    Code: { ZipFile: HANDLER_ZIP },
    ...over,
  };
}

export interface ControlFixture {
  readonly cp: LambdaControlPlane;
  readonly store: SqliteStore;
  readonly codeStore: FsCodeStore;
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** Opens a second control plane on the same store and code (a restart). */
  reopen(): Promise<LambdaControlPlane>;
  close(): Promise<void>;
}

/** How a fixture's control plane is configured. */
export interface ControlFixtureOptions {
  readonly accountConcurrency?: number;
}

/** A control plane on real SQLite (a file in a temporary data directory) and a real code store. */
export async function controlFixture(options: ControlFixtureOptions = {}): Promise<ControlFixture> {
  const dir = tempDir("control");
  const dataDir = dir.path;
  const store = SqliteStore.open({ path: join(dataDir, "haneul.db") });
  const codeStore = new FsCodeStore({ dataDir });
  const clock = new ManualClock(START);
  const ids = counterIds();
  const open = () =>
    LambdaControlPlane.open({
      store,
      codeStore,
      clock,
      ids,
      region: REGION,
      accountId: ACCOUNT,
      accountConcurrency: options.accountConcurrency,
    });
  const cp = await open();
  return {
    cp,
    store,
    codeStore,
    clock,
    dataDir,
    reopen: open,
    async close() {
      await store.close();
      await dir.remove();
    },
  };
}

/**
 * Gives every test of the calling file a fresh fixture, closed after the test: registers the hooks and
 * returns one object whose members are refilled with the current test's fixture before each test.
 */
export function useControlFixture(options: ControlFixtureOptions = {}): ControlFixture {
  const fx = {} as ControlFixture;
  beforeEach(async () => {
    Object.assign(fx, await controlFixture(options));
  });
  afterEach(async () => {
    await fx.close();
  });
  return fx;
}

/** Asserts a PlatformError with `code` and exactly `message` (or matching it). */
export async function rejectsWith(run: () => unknown, code: ErrorCode, message: string | RegExp): Promise<void> {
  await assert.rejects(
    () => Promise.resolve().then(run),
    (e: unknown) => {
      assert.ok(isPlatformError(e), `expected a PlatformError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

/** `arn:aws:lambda:us-east-1:123456789012:function:<name>[:q]`. */
export function arn(name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
