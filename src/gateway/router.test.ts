import { LinearRouter } from "./linear-router.js";
import { runRouterCases } from "./router.test-cases.js";
import { TrieRouter } from "./trie-router.js";

runRouterCases("TrieRouter", () => new TrieRouter<string>());
runRouterCases("LinearRouter", () => new LinearRouter<string>());
