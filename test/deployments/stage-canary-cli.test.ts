/**
 * `haneul deployments start-stage-canary --min-requests-per-step --judge --test-event` on a real
 * node at --time-scale 60, the CLI a child process and the SDK v3 reading back: the options become
 * the group's tags (CreateDeploymentGroup's, then TagResource on the group the command finds,
 * keeping a tag no option names), and the deployment honours them: the guard sends the test
 * event's probes through the gateway to an HTTP_PROXY upstream, the judge holds a step it has no
 * data for, a canary that has its probes advances and is promoted. The upstream records every
 * request: a probe never carries the gateway's probe header (nor its secret, nor the deployment it
 * pins), while a client's header of that name without the secret reaches it as sent. Bad values
 * are refused before anything reaches the node (exit 2); TagResource refuses what the node
 * cannot honour, on ARNs it does not tag.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import {
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import { awsCliJson } from "../helpers/aws-cli.js";
import { gatewayCall, startUpstream, type Upstream, type UpstreamRequest } from "../helpers/apigw-stack.js";
import { runHaneul } from "../helpers/haneul-cli.js";
import {
  lambdaCliTarget,
  NODE_ACCOUNT,
  NODE_REGION,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { sdkError } from "../helpers/sdk-error.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const PROBE_HEADER = "x-haneul-canary-probe";
const APP = "haneul-stage-canaries";

describe("start-stage-canary: traffic guard, judge and test event from the command line", () => {
  let node: LambdaNode;
  let apigw: APIGatewayClient;
  let cd: CodeDeployClient;
  let upstream: Upstream;
  let dir: TempDir;
  const seen: UpstreamRequest[] = [];

  before(async () => {
    node = await startLambdaNode({ randomSeed: 11, env: { HANEUL_TIME_SCALE: "60" } });
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const common = { region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 };
    apigw = new APIGatewayClient(common);
    cd = new CodeDeployClient(common);
    upstream = await startUpstream((r) => seen.push(r));
    dir = tempDir("stage-canary-cli");
  });
  after(async () => {
    apigw?.destroy();
    cd?.destroy();
    await node?.close();
    if (upstream) await new Promise((r) => upstream.server.close(r));
    await dir?.remove();
  });

  const haneul = (...args: string[]) =>
    runHaneul(
      [...args, "--endpoint", node.url, "--region", NODE_REGION],
      { HANEUL_ACCESS_KEY_ID: node.accessKeyId, HANEUL_SECRET_ACCESS_KEY: node.secretAccessKey },
      { cwd: dir.path },
    );
  const groupArn = (restApiId: string) =>
    `arn:aws:codedeploy:${NODE_REGION}:${NODE_ACCOUNT}:deploymentgroup:${APP}/${restApiId}.prod`;
  const tagsOf = async (restApiId: string): Promise<Record<string, string>> => {
    const r = await cd.send(new ListTagsForResourceCommand({ ResourceArn: groupArn(restApiId) }));
    return Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  };

  /** A REST API whose GET / proxies to the upstream at `path`, deployed to stage `stageName`; its deployment's id. */
  async function deployTo(restApiId: string, path: string, stageName: string): Promise<string> {
    const resourceId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    await apigw.send(
      new PutIntegrationCommand({
        ...{ restApiId, resourceId, httpMethod: "GET", type: "HTTP_PROXY", integrationHttpMethod: "GET" },
        uri: `http://127.0.0.1:${upstream.port}${path}`,
      }),
    );
    return (await apigw.send(new CreateDeploymentCommand({ restApiId, stageName }))).id ?? "";
  }

  async function restApi(name: string): Promise<string> {
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name }))).id ?? "";
    const resourceId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    await apigw.send(new PutMethodCommand({ restApiId, resourceId, httpMethod: "GET", authorizationType: "NONE" }));
    return restApiId;
  }

  async function ended(deploymentId: string): Promise<DeploymentInfo | undefined> {
    let info: DeploymentInfo | undefined;
    await waitFor(
      async () => {
        info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
        return info?.status === "Stopped" || info?.status === "Failed" || info?.status === "Succeeded";
      },
      `deployment ${deploymentId} to end`,
      90_000,
    );
    return info;
  }

  /** The upstream's requests under `path` that carry the test event's header. */
  const probesAt = (path: string) => seen.filter((r) => r.url.startsWith(path) && r.headers["x-probe"] === "yes");

  test("the options tag the group and are honoured; the probe header never reaches the integration", async () => {
    const restApiId = await restApi("probed");
    const old = await deployTo(restApiId, "/old", "prod");
    const broken = await deployTo(restApiId, "/broken", "staging");
    const next = await deployTo(restApiId, "/new", "staging");
    const event = '{"httpMethod": "GET", "path": "/", "headers": {"x-probe": "yes"}}';
    await writeFile(join(dir.path, "probe.json"), `${event}\n`);

    // The group is made with the three tags; the canary's probes all answer 503.
    const first = await haneul(
      ...["deployments", "start-stage-canary", "--rest-api-id", restApiId, "--stage", "prod"],
      ...["--deployment-id", broken, "--config", "CodeDeployDefault.LambdaCanary10Percent5Minutes"],
      ...["--min-requests-per-step", "5", "--judge", "5", "--test-event", "file://probe.json", "--output", "json"],
    );
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(await tagsOf(restApiId), {
      "haneul:minInvocationsPerStep": "5",
      "haneul:canaryJudge": "5",
      "haneul:testEvent": event,
    });
    const failed = await ended((JSON.parse(first.stdout) as { deploymentId: string }).deploymentId);
    // The guard had its five requests from the probes; the judge, with no request of the stage's
    // deployment to compare them with, held the step and failed it.
    assert.equal(failed?.status, "Failed", JSON.stringify(failed?.errorInformation));
    assert.equal(failed?.errorInformation?.code, "HEALTH_CONSTRAINTS");
    assert.match(
      failed?.errorInformation?.message ?? "",
      /The canary judge held the 10% step .*not enough data: .*the judge needs 5 of each/,
    );
    assert.ok(
      (failed?.deploymentStatusMessages ?? []).some((m) =>
        new RegExp(`synthetic requests in the \\d+% step: 5 to deployment ${broken}, 5 answered 5XX`).test(m),
      ),
      JSON.stringify(failed?.deploymentStatusMessages),
    );
    assert.equal((await apigw.send(new GetStageCommand({ restApiId, stageName: "prod" }))).canarySettings, undefined);
    assert.equal(probesAt("/broken").length, 5, "the five probes reached the canary's integration");

    // The group exists: TagResource sets the one option given; the test event stays, the judge
    // removed with UntagResource stays removed.
    await cd.send(new UntagResourceCommand({ ResourceArn: groupArn(restApiId), TagKeys: ["haneul:canaryJudge"] }));
    const second = await haneul(
      ...["deployments", "start-stage-canary", "--rest-api-id", restApiId, "--stage", "prod"],
      ...["--deployment-id", next, "--config", "CodeDeployDefault.LambdaCanary10Percent5Minutes"],
      ...["--min-requests-per-step", "4", "--output", "json"],
    );
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await tagsOf(restApiId), {
      "haneul:minInvocationsPerStep": "4",
      "haneul:testEvent": event,
    });
    const promoted = await ended((JSON.parse(second.stdout) as { deploymentId: string }).deploymentId);
    assert.equal(promoted?.status, "Succeeded", JSON.stringify(promoted?.errorInformation));
    assert.ok(
      (promoted?.deploymentStatusMessages ?? []).some((m) =>
        new RegExp(`synthetic requests in the 100% step: 4 to deployment ${next}, 0 answered 5XX, 0 4XX`).test(m),
      ),
      JSON.stringify(promoted?.deploymentStatusMessages),
    );
    assert.equal((await apigw.send(new GetStageCommand({ restApiId, stageName: "prod" }))).deploymentId, next);
    assert.equal(probesAt("/new").length, 4, "the guard's four probes reached the canary's integration");

    // No probe carried the probe header, its secret or the deployment it pinned, under any name.
    const probes = [...probesAt("/broken"), ...probesAt("/new")];
    for (const p of probes) {
      assert.equal(p.headers[PROBE_HEADER], undefined, JSON.stringify(p.headers));
      const leaked = Object.entries(p.headers).filter(
        ([name, value]) => name.includes("canary") || [broken, next].some((id) => String(value).includes(id)),
      );
      assert.deepEqual(leaked, [], JSON.stringify(p.headers));
    }

    // A client's header of that name without the gateway's secret is an ordinary header: it
    // pins nothing and reaches the integration as sent.
    const port = Number(new URL(node.gatewayUrl).port);
    const sent = `guess ${old}`;
    const answer = await gatewayCall(port, restApiId, { path: "/prod/", headers: { [PROBE_HEADER]: sent } });
    assert.equal(answer.status, 200, answer.body);
    const echoed = JSON.parse(answer.body) as { url: string; headers: Record<string, string> };
    assert.equal(echoed.url, "/new", "served by the stage's deployment, not pinned to another");
    assert.equal(echoed.headers[PROBE_HEADER], sent);
    assert.ok(seen.some((r) => r.headers[PROBE_HEADER] === sent));
  });

  test("bad option values are refused with exit status 2 before anything reaches the node", async () => {
    const restApiId = await restApi("refused");
    const target = await deployTo(restApiId, "/new", "prod");
    await writeFile(join(dir.path, "not-json.json"), "{nope");
    const cases: [string[], RegExp][] = [
      [["--judge", "0"], /--judge must be a whole number of requests per deployment, 1-1000000: 0/],
      [["--judge", "1.5"], /--judge must be a whole number/],
      [
        ["--min-requests-per-step", "many"],
        /--min-requests-per-step must be a whole number of requests, 1-1000000: many/,
      ],
      [["--min-requests-per-step", "1000001"], /--min-requests-per-step must be a whole number/],
      [["--test-event", "{}"], /--test-event needs --min-requests-per-step/],
      [["--min-requests-per-step", "3", "--test-event", "{nope"], /--test-event is not JSON/],
      [["--min-requests-per-step", "3", "--test-event", "file://not-json.json"], /--test-event is not JSON/],
      [
        ["--min-requests-per-step", "3", "--test-event", "file://missing.json"],
        /--test-event: cannot read .*missing\.json/,
      ],
      [
        ["--min-requests-per-step", "3", "--test-event", '{"Records": []}'],
        /--test-event: .*must describe a request.*Records is not a field of the request/,
      ],
      [
        ["--min-requests-per-step", "3", "--test-event", '{"httpMethod": "TRACE"}'],
        /--test-event: .*httpMethod must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/,
      ],
      [
        ["--min-requests-per-step", "3", "--test-event", `{"headers": {"${PROBE_HEADER}": "x"}}`],
        new RegExp(`--test-event: .*the header ${PROBE_HEADER} is set by the request itself`),
      ],
    ];
    for (const [options, message] of cases) {
      const r = await haneul(
        ...["deployments", "start-stage-canary", "--rest-api-id", restApiId, "--stage", "prod"],
        ...["--deployment-id", target, ...options],
      );
      assert.equal(r.code, 2, `${options.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, options.join(" "));
      assert.match(r.stderr, /--min-requests-per-step <n>/, "the usage follows");
    }
    await assert.rejects(
      cd.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: `${restApiId}.prod` })),
      (e: Error) => ["ApplicationDoesNotExistException", "DeploymentGroupDoesNotExistException"].includes(e.name),
    );
  });

  test("TagResource and its kin: checked as the group's own tags, on deployment group ARNs", async () => {
    const restApiId = await restApi("tagged");
    await deployTo(restApiId, "/old", "prod");
    const target = await deployTo(restApiId, "/new", "staging");
    // A group made by the command without tag options has none.
    const made = await haneul(
      ...["deployments", "start-stage-canary", "--rest-api-id", restApiId, "--stage", "prod"],
      ...["--deployment-id", target, "--config", "CodeDeployDefault.LambdaAllAtOnce", "--output", "json"],
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal(
      (await ended((JSON.parse(made.stdout) as { deploymentId: string }).deploymentId))?.status,
      "Succeeded",
    );
    const arn = groupArn(restApiId);
    assert.deepEqual(await tagsOf(restApiId), {});
    await cd.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "shop" }] }));
    await assert.rejects(
      cd.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "haneul:canaryJudge", Value: "0" }] })),
      sdkError("InvalidInputException", 400, /haneul:canaryJudge must be a whole number/),
    );
    await assert.rejects(
      cd.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "haneul:testEvent", Value: "{}" }] })),
      sdkError("InvalidInputException", 400, /needs the tag haneul:minInvocationsPerStep/),
    );
    assert.deepEqual(await tagsOf(restApiId), { team: "shop" }, "a refused TagResource changes nothing");
    await assert.rejects(
      cd.send(new TagResourceCommand({ ResourceArn: arn, Tags: [] })),
      sdkError("TagRequiredException", 400),
    );
    await assert.rejects(
      cd.send(new ListTagsForResourceCommand({ ResourceArn: "arn:aws:codedeploy:nowhere" })),
      sdkError("InvalidArnException", 400),
    );
    await assert.rejects(
      cd.send(
        new ListTagsForResourceCommand({
          ResourceArn: `arn:aws:codedeploy:${NODE_REGION}:${NODE_ACCOUNT}:application:${APP}`,
        }),
      ),
      sdkError("ArnNotSupportedException", 400),
    );
    await assert.rejects(
      cd.send(new ListTagsForResourceCommand({ ResourceArn: `${arn}-missing` })),
      sdkError("DeploymentGroupDoesNotExistException", 400),
    );
    // The AWS CLI v2, as the usage text and the user guide show it.
    const cli = lambdaCliTarget(node);
    assert.deepEqual(await awsCliJson(cli, ["deploy", "list-tags-for-resource", "--resource-arn", arn]), {
      Tags: [{ Key: "team", Value: "shop" }],
    });
    await awsCliJson(cli, ["deploy", "untag-resource", "--resource-arn", arn, "--tag-keys", "team", "absent"]);
    assert.deepEqual(await tagsOf(restApiId), {});
  });
});
