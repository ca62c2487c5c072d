export { AsyncInvoker, type AsyncEventQueue, type AsyncInvokerOptions } from "./async-invoker.js";
