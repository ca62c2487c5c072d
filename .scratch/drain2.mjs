import { execSync } from "node:child_process"; const require_ps = () => execSync("ps -o pid,ppid,pgid,stat,args -e | grep -E \"haneul|pasta|bwrap|sh -c\" | grep -v grep").toString();
import { startServerProcess, SERVER_ROLE } from "../dist/test/helpers/server-process.js";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
const slow = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return { done: e.ms }; };") });
const node = await startServerProcess({ detached: true });
const log = (m) => console.log((performance.now()/1000).toFixed(2), m);
try {
  await node.client.send(new CreateFunctionCommand({ FunctionName: "slow", Runtime: "nodejs20.x", Role: SERVER_ROLE, Handler: "index.handler", Code: { ZipFile: slow }, Timeout: 10 }));
  log("created");
  await node.client.send(new InvokeCommand({ FunctionName: "slow", Payload: new TextEncoder().encode(JSON.stringify({ ms: 10 })) }));
  log("first");
  const inFlight = node.client.send(new InvokeCommand({ FunctionName: "slow", Payload: new TextEncoder().encode(JSON.stringify({ ms: 1500 })) }));
  await new Promise((r) => setTimeout(r, 400));
  process.kill(-node.child.pid, "SIGINT");
  log("sigint");
  const r = await inFlight;
  log("answer " + Buffer.from(r.Payload).toString());
  await Promise.race([node.exited, new Promise((r) => setTimeout(r, 5000))]); log("exit? " + node.child.exitCode); console.log(require_ps());
} catch (e) { log("ERR " + e); }
finally { console.log(node.output().split("\n").slice(-5).join("\n")); await node.close(); }
