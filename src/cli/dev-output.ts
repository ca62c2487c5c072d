/** What `haneul dev` prints: readable lines (colours on a terminal), or one JSON object per line. */
import { dirname } from "node:path";
import type { Change } from "@aws-sdk/client-cloudformation";
import type { DevConfig } from "../config/dev-config.js";
import type { InvocationRecord } from "../domain/invocation.js";
import { describeTemplateError } from "../domain/template/values.js";
import { invocationJson, invocationLines, routeTableLines, type DevApi, type NameOf } from "../dev/index.js";
import { isPlatformError } from "../shared/errors.js";
import { changeLines } from "./stack-output.js";

export class DevOutput {
  readonly #config: DevConfig;
  readonly #root: string;
  readonly #write: (text: string) => void;
  nameOf: NameOf = (name) => name;

  constructor(config: DevConfig, write: (text: string) => void = (t) => void process.stdout.write(t)) {
    this.#config = config;
    this.#root = `${dirname(config.templateFile)}/`;
    this.#write = write;
  }

  #paint(code: number, text: string): string {
    return this.#config.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  #json(o: Record<string, unknown>): void {
    this.#write(`${JSON.stringify(o)}\n`);
  }

  /** `--inspect`: which function runs with the inspector, and where to attach. */
  debugging(logicalId: string, port: number): void {
    if (this.#config.json) this.#json({ type: "debugger", function: logicalId, host: "127.0.0.1", port });
    else
      this.#write(
        `Debugger: ${logicalId} runs with the Node.js inspector on 127.0.0.1:${port} (one instance, no timeout): ` +
          `attach VS Code ("attach", port ${port}) or Chrome (chrome://inspect).\n`,
      );
  }

  /** A line for people (nothing in --json mode). */
  info(line: string): void {
    if (!this.#config.json) this.#write(`${line}\n`);
  }

  error(line: string): void {
    if (this.#config.json) this.#json({ type: "error", message: line });
    else this.#write(`${this.#paint(31, "error")} ${line}\n`);
  }

  /** Paths under the template's directory written relative to it. */
  shortPaths(text: string): string {
    return text.split(this.#root).join("");
  }

  /** A failure as one message: a template error with its file and line, a build error as the builder gave it. */
  describe(e: unknown): string {
    if (isPlatformError(e)) return this.shortPaths(describeTemplateError(e));
    if (e instanceof Error) return this.shortPaths(e.name === "BuildError" ? e.message : `${e.name}: ${e.message}`);
    return String(e);
  }

  record(r: InvocationRecord): void {
    if (this.#config.json) this.#write(`${invocationJson(r, this.nameOf)}\n`);
    else this.#write(`${invocationLines(r, { nameOf: this.nameOf, color: this.#config.color }).join("\n")}\n`);
  }

  routes(apis: readonly DevApi[], rootUrl: string): void {
    if (this.#config.json) this.#json({ type: "routes", root: rootUrl, apis });
    else this.#write(`Routes:\n${routeTableLines(apis, rootUrl).join("\n")}\n`);
  }

  reloaded(functions: readonly string[], ms: number): void {
    if (this.#config.json) this.#json({ type: "reload", functions, ms: Math.round(ms * 10) / 10 });
    else this.#write(`${this.#paint(33, "reload")} ${functions.join(", ")}: new code in ${ms.toFixed(0)} ms\n`);
  }

  deployed(changes: readonly Change[], ms: number): void {
    if (this.#config.json) {
      const list = changes.map((c) => ({
        action: c.ResourceChange?.Action,
        logicalId: c.ResourceChange?.LogicalResourceId,
      }));
      this.#json({ type: "deploy", changes: list, ms: Math.round(ms) });
      return;
    }
    if (!changes.length) {
      this.#write(`${this.#paint(33, "deploy")} no changes (${ms.toFixed(0)} ms)\n`);
      return;
    }
    this.#write(
      `${this.#paint(33, "deploy")} change set applied in ${ms.toFixed(0)} ms:\n${changeLines(changes).join("\n")}\n`,
    );
  }

  reloadFailed(what: string, message: string): void {
    if (this.#config.json) this.#json({ type: "reload-failed", what, message });
    else
      this.#write(
        `${this.#paint(31, "error")} ${what} not reloaded, the last good version keeps serving:\n${indent(message)}\n`,
      );
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
