/**
 * What `haneul build` needs from the outside world: a package manager that installs a function's
 * production dependencies, and a bundler. Adapters: npm (a child process) and esbuild.
 */

/** Installs the production dependencies of the package.json in a directory. */
export interface PackageInstaller {
  /** Installs into `dir/node_modules` (`npm ci` with a lockfile, else `npm install`), dev dependencies left out. */
  install(dir: string, options: { readonly lockfile: boolean }): Promise<void>;
}

/** esbuild's options as SAM's BuildProperties give them. */
export interface BundleOptions {
  /** Entry points, absolute paths. */
  readonly entryPoints: readonly string[];
  readonly outdir: string;
  /** Directory relative imports and node_modules are resolved from. */
  readonly workingDir: string;
  readonly minify: boolean;
  readonly sourcemap: boolean;
  readonly target: string;
  readonly format: "cjs" | "esm";
  readonly platform: "node";
  readonly external: readonly string[];
  readonly mainFields?: readonly string[] | undefined;
  /** `.ext` → loader name. */
  readonly loader: Readonly<Record<string, string>>;
  readonly banner?: Readonly<Record<string, string>> | undefined;
  readonly footer?: Readonly<Record<string, string>> | undefined;
  readonly outExtension?: Readonly<Record<string, string>> | undefined;
  readonly define?: Readonly<Record<string, string>> | undefined;
}

/** Bundles entry points with their imports into single files. */
export interface Bundler {
  /** Bundles; a failure rejects with the bundler's messages. */
  bundle(options: BundleOptions): Promise<void>;
}

/** The tools a build uses. */
export interface BuildTools {
  readonly installer: PackageInstaller;
  readonly bundler: Bundler;
}

/** Checks a JavaScript file's syntax without running it. */
export interface SyntaxChecker {
  /** The first syntax error as `file:line:column: message`, or undefined when the file parses. */
  check(file: string): Promise<string | undefined>;
}

/** Tools kept between the builds of `haneul dev`: esbuild contexts reused, so that a rebuild is incremental. */
export interface DevBuildTools extends BuildTools {
  readonly checker: SyntaxChecker;
  /** Releases the bundler's contexts. */
  dispose(): Promise<void>;
}
