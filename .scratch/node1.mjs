import { startLambdaNode, NODE_ROLE } from "/work/wt/sandbox/dist/test/helpers/lambda-node.js";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
const n = await startLambdaNode();
try {
  await n.client.send(new CreateFunctionCommand({ FunctionName: "f1", Runtime: "nodejs20.x", Role: NODE_ROLE, Handler: "index.handler", Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode("exports.handler = async (e) => ({ v: 'v1', task: process.env.LAMBDA_TASK_ROOT });") }) } }));
  const r = await n.client.send(new InvokeCommand({ FunctionName: "f1", Payload: new TextEncoder().encode("{}"), LogType: "Tail" }));
  console.log(r.FunctionError, Buffer.from(r.Payload).toString(), Buffer.from(r.LogResult ?? "", "base64").toString());
} finally { await n.close(); }
