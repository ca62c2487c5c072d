import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";

/**
 * Watches a directory tree with one non-recursive `fs.watch` per directory. A directory's watch
 * sees its files replaced by rename (how editors and `sed -i` save), which a watch on the file
 * itself loses; directories created later are watched as they appear. `skip` leaves out
 * dependencies and build output.
 */
export class TreeWatcher {
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #onChange: (file: string) => void;
  readonly #onError: (error: Error) => void;
  readonly #skip: (dir: string) => boolean;

  constructor(o: {
    readonly onChange: (file: string) => void;
    readonly onError: (error: Error) => void;
    readonly skip: (dir: string) => boolean;
  }) {
    this.#onChange = o.onChange;
    this.#onError = o.onError;
    this.#skip = o.skip;
  }

  /** Watches `dir` and every directory under it (once, however often it is added). */
  add(dir: string): void {
    if (this.#watchers.has(dir) || this.#skip(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => name && this.#changed(dir, name.toString()));
    } catch (e) {
      this.#onError(e as Error);
      return;
    }
    watcher.on("error", () => this.#drop(dir));
    this.#watchers.set(dir, watcher);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) this.add(join(dir, entry.name));
    }
  }

  close(): void {
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }

  #changed(dir: string, name: string): void {
    const path = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // Removed: a directory's watch closes by itself; a file is reported as changed.
      this.#drop(path);
    }
    if (isDir) this.add(path);
    else this.#onChange(path);
  }

  #drop(dir: string): void {
    this.#watchers.get(dir)?.close();
    this.#watchers.delete(dir);
  }
}
