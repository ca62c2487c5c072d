import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { greeting } from "./greeting";

/** A TypeScript handler bundled by esbuild (`Metadata: BuildMethod: esbuild`). */
export const lambdaHandler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const name = event.queryStringParameters?.name ?? "world";
  return { statusCode: 200, body: JSON.stringify({ message: greeting(name) }) };
};
