import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processTemplate } from "../../src/domain/template/pipeline.js";
import type { ProcessedTemplate } from "../../src/domain/template/pipeline.js";
import type { ParameterInput } from "../../src/domain/template/parameters.js";
import { pseudoParameters } from "../../src/domain/template/pseudo.js";
import { readTemplate } from "../../src/domain/template/read.js";
import { ROOT } from "../helpers/paths.js";

/** A template of the repository through the whole pipeline, local code located under a test bucket. */
export function processRepoTemplate(path: string, parameters?: ParameterInput): ProcessedTemplate {
  const file = join(ROOT, path);
  return processTemplate({
    source: readTemplate(readFileSync(file, "utf8"), path),
    pseudo: pseudoParameters({ region: "us-east-1", accountId: "123456789012", stackName: "sample" }),
    parameters,
    artifacts: (local, use) => ({ S3Bucket: "haneul-artifacts", S3Key: `${use.logicalId}/${local}` }),
  });
}

/** A copy of an example in a temporary directory (builds write next to the template); removed by `dispose`. */
export function copyExample(name: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), `haneul-${name}-`));
  cpSync(join(ROOT, "examples", name), dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
