import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** Directories never part of a function's sources. */
const SKIPPED = new Set(["node_modules", ".git", ".aws-sam", ".haneul-build"]);

/** The files under `root` (relative paths, sorted), skipping dependency and build folders and `exclude`. */
export function sourceFiles(root: string, exclude: readonly string[] = []): string[] {
  if (statSync(root).isFile()) return [""];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (SKIPPED.has(name) || exclude.some((e) => path === e || path.startsWith(e + sep))) continue;
      const s = statSync(path);
      if (s.isDirectory()) walk(path);
      else if (s.isFile()) out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}

/** A SHA-256 over the names and contents of the sources and the build settings: a build's inputs. */
export function inputHash(root: string, settings: unknown, exclude: readonly string[] = []): string {
  const hash = createHash("sha256").update(JSON.stringify(settings));
  for (const file of sourceFiles(root, exclude)) {
    hash.update(`\0${file}\0`).update(readFileSync(file === "" ? root : join(root, file)));
  }
  return hash.digest("hex");
}

/** Copies the sources (not node_modules or build folders, not `exclude`) to `target`. */
export function copySources(root: string, target: string, exclude: readonly string[] = []): void {
  const absRoot = resolve(root);
  cpSync(absRoot, target, {
    recursive: true,
    filter: (src) => {
      const rel = relative(absRoot, src);
      if (rel === "") return true;
      if (rel.split(sep).some((part) => SKIPPED.has(part))) return false;
      return !exclude.some((e) => src === e || src.startsWith(e + sep));
    },
  });
}

/** True when `dir` has a package.json that declares production dependencies. */
export function hasDependencies(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).length > 0;
}

/** True when `dir` has a lockfile npm ci can install from. */
export function hasLockfile(dir: string): boolean {
  return existsSync(join(dir, "package-lock.json")) || existsSync(join(dir, "npm-shrinkwrap.json"));
}

/**
 * A copied package's relative `file:` dependencies made absolute (from where they were written),
 * in package.json and the lockfile, so npm finds them from the build folder.
 */
export function absolutizeLocalDependencies(targetDir: string, sourceDir: string): void {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith("file:") && !isAbsolute(value.slice(5)))
      return `file:${resolve(sourceDir, value.slice(5))}`;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  for (const name of ["package.json", "package-lock.json", "npm-shrinkwrap.json"]) {
    const file = join(targetDir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    if (!text.includes('"file:')) continue;
    writeFileSync(file, JSON.stringify(rewrite(JSON.parse(text)), null, 2));
  }
}
