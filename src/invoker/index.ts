export { Invoker, type InvokerOptions } from "./invoker.js";
export { InstancePool, type InstancePoolOptions, type Acquired } from "./instance-pool.js";
