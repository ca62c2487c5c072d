/**
 * Loads the user's handler from a handler string, following the RIC's UserFunction.js step by
 * step (same load order, same error types and messages), so a package that loads on Lambda loads
 * here and one that fails there fails here the same way.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } from "./errors.js";

export type UserHandler = (...args: unknown[]) => unknown;

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const RELATIVE_PATH_SUBSTRING = "..";

const requireUser = createRequire(import.meta.url);

/** './dir/module.a.b' → ['./dir/', 'module.a.b'] */
function moduleRootAndHandler(full: string): [string, string] {
  const handlerString = path.basename(full);
  return [full.substring(0, full.indexOf(handlerString)), handlerString];
}

function splitHandlerString(handler: string): [string, string] {
  const match = FUNCTION_EXPR.exec(handler);
  if (!match || match.length !== 3) throw new MalformedHandlerName("Bad handler");
  return [match[1]!, match[2]!];
}

function resolveHandler(object: unknown, nestedProperty: string): unknown {
  return nestedProperty
    .split(".")
    .reduce<unknown>((nested, key) => (nested ? (nested as Record<string, unknown>)[key] : nested), object);
}

function tryRequireFile(file: string, extension = ""): unknown {
  const p = file + extension;
  return existsSync(p) ? requireUser(p) : undefined;
}

async function tryAwaitImport(file: string, extension = ""): Promise<unknown> {
  const p = file + extension;
  // A file URL rather than the raw path (as the RIC passes) so '%', '#' or '?' in paths work.
  return existsSync(p) ? await import(pathToFileURL(p).href) : undefined;
}

/**
 * Walks up from `folder` to the nearest package.json and reports whether it says "type":"module".
 * A node_modules folder or the file-system root ends the walk with "no".
 */
function hasPackageJsonTypeModule(folder: string): boolean {
  if (folder.endsWith("/node_modules")) return false;
  const pj = path.join(folder, "/package.json");
  if (existsSync(pj)) {
    try {
      const pkg = JSON.parse(readFileSync(pj, "utf8")) as { type?: unknown } | null;
      if (pkg) return pkg.type === "module";
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === "/") return false;
  return hasPackageJsonTypeModule(path.resolve(folder, ".."));
}

/** Load order: extensionless (require), .js (require, or import under "type":"module"), .mjs, .cjs, then Node resolution. */
async function tryRequire(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);

  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;

  const pjHasModule = hasPackageJsonTypeModule(path.resolve(path.dirname(lambdaStylePath)));
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, ".js");
    if (loaded) return loaded;
  }

  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, ".js"))) ||
    (await tryAwaitImport(lambdaStylePath, ".mjs")) ||
    tryRequireFile(lambdaStylePath, ".cjs");
  if (loaded) return loaded;

  // require() alone would resolve relative to this file, not the task root.
  const nodeStylePath = requireUser.resolve(module, { paths: [appRoot, moduleRoot] });
  return requireUser(nodeStylePath);
}

async function loadUserApp(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if ((e as { code?: unknown } | null)?.code === "MODULE_NOT_FOUND") throw new ImportModuleError(e);
    // Anything else thrown by the module's top level is reported as it is.
    throw e;
  }
}

/**
 * Loads `handlerString` (e.g. `src/handlers/app.handler`) relative to `appRoot`.
 * @throws Runtime.MalformedHandlerName, Runtime.ImportModuleError, Runtime.UserCodeSyntaxError,
 *   Runtime.HandlerNotFound, or whatever the module's top level throws.
 */
export async function loadHandler(appRoot: string, handlerString: string): Promise<UserHandler> {
  if (handlerString.includes(RELATIVE_PATH_SUBSTRING)) {
    throw new MalformedHandlerName(
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const [moduleRoot, moduleAndHandler] = moduleRootAndHandler(handlerString);
  const [module, handlerPath] = splitHandlerString(moduleAndHandler);

  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = resolveHandler(userApp, handlerPath);
  if (!handlerFunc) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof handlerFunc !== "function") throw new HandlerNotFound(`${handlerString} is not a function`);
  return handlerFunc as UserHandler;
}

/** The RIC's test for "async handler": decides what an emptied event loop means. */
export function isAsyncFunction(fn: UserHandler): boolean {
  try {
    return fn.constructor?.name === "AsyncFunction";
  } catch {
    return false;
  }
}
