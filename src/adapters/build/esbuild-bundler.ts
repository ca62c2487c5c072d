import { build, type BuildOptions } from "esbuild";
import type { BundleOptions, Bundler } from "../../ports/build-tools.js";

/** esbuild through its JavaScript API, with the options SAM's esbuild builder passes. */
export class EsbuildBundler implements Bundler {
  async bundle(o: BundleOptions): Promise<void> {
    const result = await build(esbuildOptions(o));
    if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join("\n"));
  }
}

/** SAM's esbuild settings as esbuild's own options. */
export function esbuildOptions(o: BundleOptions): BuildOptions {
  return {
    entryPoints: [...o.entryPoints],
    outdir: o.outdir,
    absWorkingDir: o.workingDir,
    bundle: true,
    platform: o.platform,
    format: o.format,
    target: o.target,
    minify: o.minify,
    sourcemap: o.sourcemap,
    external: [...o.external],
    ...(o.mainFields ? { mainFields: [...o.mainFields] } : {}),
    loader: o.loader as Record<string, never>,
    ...(o.banner ? { banner: { ...o.banner } } : {}),
    ...(o.footer ? { footer: { ...o.footer } } : {}),
    ...(o.outExtension ? { outExtension: { ...o.outExtension } } : {}),
    ...(o.define ? { define: { ...o.define } } : {}),
    logLevel: "silent",
  };
}
