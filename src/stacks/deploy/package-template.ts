import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { zipSync } from "fflate";
import { isObject } from "../../domain/template/values.js";
import type { TemplateObject, TemplateValue } from "../../domain/template/values.js";

/**
 * What `aws cloudformation package` does, for `haneul deploy`: every local code location of a
 * template (a directory, a file or a zip) zipped reproducibly and named by its content's SHA-256,
 * so that unchanged code keeps its S3 key and a deploy sees no change.
 */

/** The properties that name local artifacts, by type; `s3Uri` ones take `s3://bucket/key`. */
const PROPERTIES: Readonly<Record<string, readonly { name: string; form: "s3Uri" | "code" | "layer" }[]>> = {
  "AWS::Serverless::Function": [{ name: "CodeUri", form: "s3Uri" }],
  "AWS::Serverless::LayerVersion": [{ name: "ContentUri", form: "s3Uri" }],
  "AWS::Lambda::Function": [{ name: "Code", form: "code" }],
  "AWS::Lambda::LayerVersion": [{ name: "Content", form: "layer" }],
};

/** One local artifact and where it goes back into the template. */
export interface LocalArtifact {
  readonly local: string;
  readonly zip: Buffer;
  readonly key: string;
  /** Writes the uploaded location into the template. */
  readonly place: (bucket: string) => void;
}

/** The zip of a directory (files sorted, fixed times), the zip itself, or a file zipped alone. */
export function zipArtifact(path: string): Buffer {
  const stat = statSync(path);
  if (stat.isFile() && path.endsWith(".zip")) return readFileSync(path);
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const mtime = new Date(Date.UTC(1980, 0, 1));
  const add = (file: string, name: string) => (files[name] = [readFileSync(file), { mtime }]);
  if (stat.isFile()) add(path, relative(resolve(path, ".."), path));
  else {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) add(full, relative(path, full).split("\\").join("/"));
      }
    };
    walk(path);
  }
  return Buffer.from(zipSync(files, { level: 6 }));
}

function isLocal(value: TemplateValue | undefined): value is string {
  return typeof value === "string" && !/^(s3|https?):\/\//.test(value);
}

/** Every local artifact of `body` (changed in place by `place`), relative to `baseDir`. */
export function localArtifacts(body: TemplateObject, baseDir: string): LocalArtifact[] {
  const out: LocalArtifact[] = [];
  const visit = (holder: TemplateObject, name: string, form: "s3Uri" | "code" | "layer") => {
    const value = holder[name];
    const local = form === "s3Uri" ? value : isObject(value) ? undefined : value;
    if (!isLocal(local)) return;
    const path = resolve(baseDir, local);
    const zip = zipArtifact(path);
    const key = createHash("sha256").update(zip).digest("hex");
    out.push({
      local: path,
      zip,
      key,
      place: (bucket) => {
        holder[name] =
          form === "s3Uri"
            ? `s3://${bucket}/${key}`
            : form === "code"
              ? { S3Bucket: bucket, S3Key: key }
              : { S3Bucket: bucket, S3Key: key };
      },
    });
  };
  const globals = isObject(body.Globals) ? body.Globals : {};
  if (isObject(globals.Function)) visit(globals.Function, "CodeUri", "s3Uri");
  for (const resource of Object.values(isObject(body.Resources) ? body.Resources : {})) {
    if (!isObject(resource) || typeof resource.Type !== "string" || !isObject(resource.Properties)) continue;
    const props = resource.Properties;
    if (resource.Type === "AWS::Serverless::Function" && props.InlineCode !== undefined) continue;
    for (const p of PROPERTIES[resource.Type] ?? []) visit(props, p.name, p.form);
  }
  return out;
}
