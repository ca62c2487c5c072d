import * as policy from "./layer-policy.js";
import * as versions from "./layer-versions.js";
import type { Json } from "./types.js";

type Ref = { layerName: string; version: number; revisionId?: string | undefined };

/** The Lambda layer operations over one LayerContext (the API calls these). */
export class LayerService {
  readonly #ctx: versions.LayerContext;

  constructor(ctx: versions.LayerContext) {
    this.#ctx = ctx;
  }

  /** PublishLayerVersion. */
  publish(name: string, input: versions.PublishLayerVersionInput): Promise<Json> {
    return versions.publishLayerVersion(this.#ctx, name, input);
  }
  /** GetLayerVersion. */
  get(name: string, version: number): Promise<Json> {
    return versions.getLayerVersion(this.#ctx, name, version);
  }
  /** GetLayerVersionByArn. */
  getByArn(arn: string | undefined): Promise<Json> {
    return versions.getLayerVersionByArn(this.#ctx, arn);
  }
  /** ListLayers. */
  list(input: versions.ListLayersInput): Promise<Json> {
    return versions.listLayers(this.#ctx, input);
  }
  /** ListLayerVersions. */
  listVersions(name: string, input: versions.ListLayersInput): Promise<Json> {
    return versions.listLayerVersions(this.#ctx, name, input);
  }
  /** DeleteLayerVersion. */
  delete(name: string, version: number): Promise<void> {
    return versions.deleteLayerVersion(this.#ctx, name, version);
  }
  /** AddLayerVersionPermission. */
  addPermission(ref: Ref, input: policy.AddLayerVersionPermissionInput): Promise<Json> {
    return policy.addLayerVersionPermission(this.#ctx, ref, input);
  }
  /** GetLayerVersionPolicy. */
  getPolicy(name: string, version: number): Promise<Json> {
    return policy.getLayerVersionPolicy(this.#ctx, name, version);
  }
  /** RemoveLayerVersionPermission. */
  removePermission(ref: Ref, statementId: string): Promise<void> {
    return policy.removeLayerVersionPermission(this.#ctx, ref, statementId);
  }
  /** The version's policy text for access checks, or undefined (no policy, no version, bad name). */
  async policyText(name: string, version: number): Promise<string | undefined> {
    try {
      return String((await this.getPolicy(name, version))["Policy"]);
    } catch {
      return undefined;
    }
  }
}
