export { compileEventPattern, type EventPredicate } from "./compile.js";
export { InvalidEventPattern } from "./errors.js";
export { wildcardRegExp } from "./leaf-matchers.js";
