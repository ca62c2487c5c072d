// A Lambda handler exactly as it would run on AWS (Node.js 20.x runtime).
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  console.log("hello from", context.functionName, "request", context.awsRequestId);
  return {
    message: `Hello, ${event.name ?? "world"}!`,
    invocationsOnThisInstance: invocations,
    remainingMs: context.getRemainingTimeInMillis(),
  };
};
