// A handler behind API Gateway (Lambda proxy integration): it answers with the proxy response
// shape — statusCode, headers, body — which REST APIs require (without statusCode, API Gateway
// answers 502 "Internal server error"). HTTP APIs (payload 2.0) also accept it.
export const handler = async (event) => {
  const name = event.queryStringParameters?.name ?? "world";
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: `Hello, ${name}!`, path: event.path ?? event.rawPath }),
  };
};
