import { startServerProcess } from "../dist/test/helpers/server-process.js";
const t = performance.now();
const n = await startServerProcess({ detached: true });
console.log("started", (performance.now() - t).toFixed(0), n.output());
await n.close();
console.log("closed");
