import { createHash } from "node:crypto";

/**
 * Sample events for `haneul generate-event <source> <type>`, in the shapes AWS services hand to
 * Lambda (as `sam local generate-event` prints them). Each type names its options and their
 * defaults; --region, --account-id and --partition are common to all.
 */

/** Option values by name (without the leading dashes). */
export type EventValues = Readonly<Record<string, string>>;

/** One type of event of a source. */
export interface EventType {
  readonly summary: string;
  /** Its own options, with their defaults. */
  readonly options: Readonly<Record<string, string>>;
  build(v: EventValues): unknown;
}

/** Options every type takes. */
export const COMMON_OPTIONS: Readonly<Record<string, string>> = {
  region: "us-east-1",
  "account-id": "123456789012",
  partition: "aws",
};

const FIXED_TIME = "1970-01-01T00:00:00.000Z";

function query(raw: string): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  const params = new URLSearchParams(raw);
  const multi: Record<string, string[]> = {};
  for (const [k, v] of params) (multi[k] ??= []).push(v);
  const keys = Object.keys(multi);
  if (!keys.length) return { single: null, multi: null };
  return { single: Object.fromEntries(keys.map((k) => [k, multi[k]?.at(-1) ?? ""])), multi };
}

function restProxy(v: EventValues): unknown {
  const path = `/${(v.path ?? "").replace(/^\//, "")}`;
  const q = query(v.query ?? "");
  const headers: Record<string, string> = {
    Accept: "application/json",
    Host: `1234567890.execute-api.${v.region}.amazonaws.com`,
    "User-Agent": "Custom User Agent String",
    "X-Forwarded-For": "127.0.0.1",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
  };
  return {
    resource: v.resource,
    path,
    httpMethod: v.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, x]) => [k, [x]])),
    queryStringParameters: q.single,
    multiValueQueryStringParameters: q.multi,
    pathParameters: v.resource === "/{proxy+}" ? { proxy: path.slice(1) } : null,
    stageVariables: null,
    requestContext: {
      accountId: v["account-id"],
      apiId: "1234567890",
      resourceId: "123456",
      resourcePath: v.resource,
      httpMethod: v.method,
      path: `/${v.stage}${path}`,
      stage: v.stage,
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTime: "09/Apr/2015:12:34:56 +0000",
      requestTimeEpoch: 1428582896000,
      protocol: "HTTP/1.1",
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        accessKey: null,
        sourceIp: "127.0.0.1",
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: "Custom User Agent String",
        user: null,
      },
    },
    body: v.body === "" ? null : v.body,
    isBase64Encoded: false,
  };
}

function httpProxy(v: EventValues): unknown {
  const path = `/${(v.path ?? "").replace(/^\//, "")}`;
  const q = query(v.query ?? "");
  return {
    version: "2.0",
    routeKey: v["route-key"],
    rawPath: path,
    rawQueryString: v.query,
    cookies: [],
    headers: { accept: "application/json", host: `1234567890.execute-api.${v.region}.amazonaws.com` },
    ...(q.single && {
      queryStringParameters: Object.fromEntries(Object.entries(q.multi ?? {}).map(([k, x]) => [k, x.join(",")])),
    }),
    requestContext: {
      accountId: v["account-id"],
      apiId: "1234567890",
      domainName: `1234567890.execute-api.${v.region}.amazonaws.com`,
      domainPrefix: "1234567890",
      http: {
        method: v.method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "Custom User Agent String",
      },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: v["route-key"],
      stage: v.stage,
      time: "12/Mar/2020:19:03:58 +0000",
      timeEpoch: 1583348638390,
    },
    ...(v.body !== "" && { body: v.body }),
    isBase64Encoded: false,
  };
}

const arn = (v: EventValues, service: string, resource: string) =>
  `arn:${v.partition}:${service}:${v.region}:${v["account-id"]}:${resource}`;

function sqs(v: EventValues): unknown {
  return {
    Records: [
      {
        messageId: "19dd0b57-b21e-4ac1-bd88-01bbb068cb78",
        receiptHandle: "MessageReceiptHandle",
        body: v.body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "1523232000000",
          SenderId: v["account-id"],
          ApproximateFirstReceiveTimestamp: "1523232000001",
        },
        messageAttributes: {},
        md5OfBody: createHash("md5")
          .update(v.body ?? "")
          .digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: arn(v, "sqs", v.queue ?? ""),
        awsRegion: v.region,
      },
    ],
  };
}

function sns(v: EventValues): unknown {
  const topic = arn(v, "sns", v.topic ?? "");
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topic}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: topic,
          Subject: v.subject === "" ? null : v.subject,
          Message: v.message,
          Timestamp: FIXED_TIME,
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "EXAMPLE",
          UnsubscribeUrl: "EXAMPLE",
          MessageAttributes: {},
        },
      },
    ],
  };
}

function kinesis(v: EventValues): unknown {
  const stream = arn(v, "kinesis", `stream/${v.stream}`);
  return {
    Records: [
      {
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: v["partition-key"],
          sequenceNumber: v.sequence,
          data: Buffer.from(v.data ?? "").toString("base64"),
          approximateArrivalTimestamp: 1428537600.0,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `shardId-000000000000:${v.sequence}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: `arn:${v.partition}:iam::${v["account-id"]}:role/lambda-role`,
        awsRegion: v.region,
        eventSourceARN: stream,
      },
    ],
  };
}

function scheduled(v: EventValues): unknown {
  return {
    version: "0",
    id: "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: v["account-id"],
    time: "1970-01-01T00:00:00Z",
    region: v.region,
    resources: [arn(v, "events", `rule/${v.rule}`)],
    detail: {},
  };
}

function eventBridge(v: EventValues): unknown {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": v["detail-type"],
    source: v.source,
    account: v["account-id"],
    time: "1970-01-01T00:00:00Z",
    region: v.region,
    resources: [],
    detail: JSON.parse(v.detail ?? "{}") as unknown,
  };
}

function s3(eventName: string) {
  return (v: EventValues): unknown => ({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: v.region,
        eventTime: FIXED_TIME,
        eventName,
        userIdentity: { principalId: "EXAMPLE" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: {
          "x-amz-request-id": "EXAMPLE123456789",
          "x-amz-id-2": "EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH",
        },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "testConfigRule",
          bucket: {
            name: v.bucket,
            ownerIdentity: { principalId: "EXAMPLE" },
            arn: `arn:${v.partition}:s3:::${v.bucket}`,
          },
          object: {
            key: encodeURIComponent(v.key ?? "").replace(/%2F/g, "/"),
            ...(eventName.startsWith("ObjectCreated") && {
              size: Number(v.size),
              eTag: "0123456789abcdef0123456789abcdef",
            }),
            sequencer: "0A1B2C3D4E5F678901",
          },
        },
      },
    ],
  });
}

const SCHEDULED: EventType = {
  summary: "an EventBridge (CloudWatch Events) schedule firing",
  options: { rule: "my-schedule" },
  build: scheduled,
};

/** Every source and its types. */
export const SAMPLE_EVENTS: Readonly<Record<string, Readonly<Record<string, EventType>>>> = {
  apigateway: {
    "aws-proxy": {
      summary: "a REST API proxy integration request (payload 1.0)",
      options: { method: "GET", path: "examplepath", resource: "/{proxy+}", stage: "prod", query: "", body: "" },
      build: restProxy,
    },
    "http-api-proxy": {
      summary: "an HTTP API request (payload 2.0)",
      options: { method: "GET", path: "examplepath", "route-key": "$default", stage: "$default", query: "", body: "" },
      build: httpProxy,
    },
  },
  sqs: {
    "receive-message": {
      summary: "a batch of one SQS message",
      options: { body: "Hello from SQS!", queue: "my-queue" },
      build: sqs,
    },
  },
  sns: {
    notification: {
      summary: "an SNS notification",
      options: { message: "Hello from SNS!", subject: "TestInvoke", topic: "my-topic" },
      build: sns,
    },
  },
  kinesis: {
    "get-records": {
      summary: "a batch of one Kinesis record (data base64-encoded)",
      options: {
        data: "Hello, this is a test.",
        "partition-key": "partitionKey-03",
        sequence: "49545115243490985018280067714973144582180062593244200961",
        stream: "my-stream",
      },
      build: kinesis,
    },
  },
  schedule: { "scheduled-event": SCHEDULED },
  cloudwatch: { "scheduled-event": SCHEDULED },
  s3: {
    put: {
      summary: "an object created (ObjectCreated:Put)",
      options: { bucket: "example-bucket", key: "test/key", size: "1024" },
      build: s3("ObjectCreated:Put"),
    },
    delete: {
      summary: "an object deleted (ObjectRemoved:Delete)",
      options: { bucket: "example-bucket", key: "test/key" },
      build: s3("ObjectRemoved:Delete"),
    },
  },
  eventbridge: {
    event: {
      summary: "an event from an EventBridge bus",
      options: { source: "com.example.orders", "detail-type": "Order Placed", detail: '{"orderId":"1234"}' },
      build: eventBridge,
    },
  },
};

/** The event of `source`/`type` with `given` options over the defaults; throws Error naming what is unknown. */
export function generateEvent(source: string, type: string, given: EventValues = {}): unknown {
  const types = SAMPLE_EVENTS[source];
  if (!types) throw new Error(`unknown event source '${source}' (known: ${Object.keys(SAMPLE_EVENTS).join(", ")})`);
  const t = types[type];
  if (!t) throw new Error(`unknown ${source} event type '${type}' (known: ${Object.keys(types).join(", ")})`);
  const allowed = { ...COMMON_OPTIONS, ...t.options };
  for (const k of Object.keys(given)) {
    if (!(k in allowed))
      throw new Error(
        `${source} ${type} has no option --${k} (options: ${Object.keys(allowed)
          .map((o) => `--${o}`)
          .join(", ")})`,
      );
  }
  if (source === "eventbridge" && given.detail !== undefined) {
    try {
      JSON.parse(given.detail);
    } catch {
      throw new Error("--detail must be JSON");
    }
  }
  return t.build({ ...allowed, ...given });
}
