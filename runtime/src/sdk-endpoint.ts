/**
 * aws-sdk v2 ignores AWS_ENDPOINT_URL (v3 honours it). When the function's environment names an
 * endpoint, configure v2 the first time user code loads it, so calls from a function reach the
 * node without any change to the function.
 */
import nodeModule from "node:module";

interface SdkV2 {
  VERSION: string;
  config: { update(options: Record<string, unknown>): void };
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

function isSdkV2(exported: unknown): exported is SdkV2 {
  const e = exported as Partial<SdkV2> | null;
  return !!e && typeof e.VERSION === "string" && e.VERSION.startsWith("2.") && typeof e.config?.update === "function";
}

/** Installs the hook; a no-op when AWS_ENDPOINT_URL is not set. */
export function pointSdkV2AtEndpoint(): void {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return;
  const moduleApi = nodeModule as unknown as { _load: Load };
  const original = moduleApi._load;
  moduleApi._load = function (this: unknown, request, parent, isMain) {
    const exported = original.call(this, request, parent, isMain);
    if (request.includes("aws-sdk") && isSdkV2(exported)) {
      exported.config.update({ endpoint, s3ForcePathStyle: true });
      moduleApi._load = original;
    }
    return exported;
  };
}
