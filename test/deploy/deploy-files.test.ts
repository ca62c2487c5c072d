/**
 * The deployment files stay true to the server: the Kubernetes manifests use settings `haneul
 * server` knows, probe the health endpoint's paths on the gateway's port, and read every secret
 * key the Secret holds; the nginx example's configuration is valid for nginx.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { SERVER_USAGE } from "../../src/config/server-config.js";
import { NGINX } from "../helpers/nginx.js";
import { ROOT } from "../helpers/paths.js";

const K8S = join(ROOT, "deploy", "kubernetes");
const load = <T>(file: string) => parse(readFileSync(join(K8S, file), "utf8")) as T;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface Deployment {
  kind: string;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      spec: {
        containers: {
          ports: { name: string; containerPort: number }[];
          env: EnvVar[];
          livenessProbe: Probe;
          readinessProbe: Probe;
        }[];
      };
    };
  };
}
interface Secret {
  metadata: { name: string };
  stringData: Record<string, string>;
}
interface Service {
  spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
}

test("kubernetes: 3 replicas probed on /healthz, settings the server knows, keys the Secret holds", () => {
  const deployment = load<Deployment>("deployment.yaml");
  const secret = load<Secret>("secret.yaml");
  const service = load<Service>("service.yaml");
  assert.equal(deployment.kind, "Deployment");
  assert.equal(deployment.spec.replicas, 3);
  const container = deployment.spec.template.spec.containers[0];
  assert.ok(container);
  const ports = new Map(container.ports.map((p) => [p.name, p.containerPort]));
  assert.deepEqual([ports.get("gateway"), ports.get("api")], [3000, 3001], "the server's default ports");
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz/live", port: "gateway" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/healthz/ready", port: "gateway" });
  const env = container.env;
  for (const v of env.filter((e) => e.name.startsWith("HANEUL_"))) {
    assert.ok(SERVER_USAGE.includes(v.name), `${v.name} is a setting of haneul server`);
  }
  for (const v of env.filter((e) => e.valueFrom?.secretKeyRef)) {
    const ref = v.valueFrom?.secretKeyRef as { name: string; key: string };
    assert.equal(ref.name, secret.metadata.name);
    assert.ok(ref.key in secret.stringData, `the Secret holds ${ref.key}`);
  }
  assert.ok(
    env.some((e) => e.name === "HANEUL_STORE"),
    "the database URL reaches the server",
  );
  for (const p of service.spec.ports) assert.ok(ports.has(p.targetPort), p.targetPort);
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  const kustomization = load<{ resources: string[] }>("kustomization.yaml");
  assert.deepEqual(kustomization.resources, ["secret.yaml", "deployment.yaml", "service.yaml"]);
});

test("the nginx example's configuration passes nginx -t and balances the ports run.sh gives the nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "haneul-nginx-example-"));
  try {
    for (const sub of ["client", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, sub));
    const conf = join(ROOT, "examples", "cluster-nginx", "nginx.conf");
    const r = spawnSync(NGINX, ["-t", "-p", dir, "-c", conf, "-e", join(dir, "error.log")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(conf, "utf8");
    const script = readFileSync(join(ROOT, "examples", "cluster-nginx", "run.sh"), "utf8");
    assert.match(script, /--gateway-port "310\$i" --api-port "320\$i"/);
    for (const i of [1, 2, 3]) {
      assert.match(text, new RegExp(`server 127\\.0\\.0\\.1:310${i} `));
      assert.match(text, new RegExp(`server 127\\.0\\.0\\.1:320${i} `));
    }
    assert.match(text, /proxy_set_header Host \$http_host;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
