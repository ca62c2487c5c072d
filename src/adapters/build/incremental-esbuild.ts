import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { context, transform, type BuildContext, type Message } from "esbuild";
import type { BundleOptions, Bundler, SyntaxChecker } from "../../ports/build-tools.js";
import { esbuildOptions } from "./esbuild-bundler.js";

/** `file:line:column: text` of an esbuild message (the form editors and terminals link). */
export function messageLine(m: Message, base = ""): string {
  const at = m.location ? `${resolve(base, m.location.file)}:${m.location.line}:${m.location.column + 1}: ` : "";
  return `${at}${m.text}`;
}

function failure(messages: readonly Message[], base: string): Error {
  return new Error(messages.map((m) => messageLine(m, base)).join("\n"));
}

/**
 * esbuild with one context per set of options, kept between builds: the second and later builds
 * of a function only re-read and re-parse what changed (esbuild's incremental rebuild).
 */
export class IncrementalEsbuildBundler implements Bundler, SyntaxChecker {
  readonly #contexts = new Map<string, BuildContext>();

  async bundle(o: BundleOptions): Promise<void> {
    const key = JSON.stringify(o);
    let ctx = this.#contexts.get(key);
    if (!ctx) {
      // Written here, not by esbuild: a rebuild may skip files it thinks unchanged, and the build emptied the folder.
      ctx = await context({ ...esbuildOptions(o), write: false });
      this.#contexts.set(key, ctx);
    }
    try {
      const result = await ctx.rebuild();
      if (result.errors.length) throw failure(result.errors, o.workingDir);
      for (const file of result.outputFiles ?? []) {
        await mkdir(dirname(file.path), { recursive: true });
        await writeFile(file.path, file.contents);
      }
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      throw errors?.length ? failure(errors, o.workingDir) : e;
    }
  }

  async check(file: string): Promise<string | undefined> {
    const ext = extname(file);
    const source = await readFile(file, "utf8");
    try {
      await transform(source, { loader: ext === ".ts" || ext === ".mts" ? "ts" : "js", sourcefile: file });
      return undefined;
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      if (!errors?.length) throw e;
      return errors.map((m) => messageLine(m)).join("\n");
    }
  }

  async dispose(): Promise<void> {
    const all = [...this.#contexts.values()];
    this.#contexts.clear();
    await Promise.all(all.map((c) => c.dispose()));
  }
}
