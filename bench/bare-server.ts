/** A bare node:http server in another process answering every request with `{}`: the baseline of the queue benchmarks. */
import { spawn, type ChildProcess } from "node:child_process";

/** Starts the server; kill `child` when done. */
export async function bareServer(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require("node:http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.writeHead(200,{"content-type":"application/x-amz-json-1.0","content-length":2});s.end("{}")})}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.on("data", (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    }),
  );
  return { url: `http://127.0.0.1:${port}`, child };
}
