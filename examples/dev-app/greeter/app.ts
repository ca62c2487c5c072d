import { greeting } from "./greeting";

interface Event {
  queryStringParameters?: Record<string, string> | null;
}

export const handler = async (event: Event) => {
  const name = event.queryStringParameters?.name ?? "world";
  console.log(`greeting ${name}`);
  return { statusCode: 200, body: greeting(name) };
};
