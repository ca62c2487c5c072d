import type { DeployedResources } from "../../domain/template/context.js";
import type { TemplateValue } from "../../domain/template/values.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";

/** Phase 2's view of a stack's resources: physical ids and attributes from their records. */
export function deployedView(resources: ReadonlyMap<string, StackResourceRecord>): DeployedResources {
  return {
    physicalId: (id) => resources.get(id)?.physicalId ?? "",
    attribute: (id, name) => (resources.get(id)?.attributes[name] ?? "") as TemplateValue,
  };
}
