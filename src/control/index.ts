export { LambdaControlPlane, type ControlPlaneOptions, type InvocationTarget } from "./control-plane.js";
export type * from "./types.js";
