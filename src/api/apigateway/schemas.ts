/** zod pieces that API Gateway request bodies of both versions are built from. */
import { z } from "zod";

/** A JSON object of strings (tags, stage variables, request parameters). */
export const stringMap = z.record(z.string(), z.string());
/** A JSON array of strings. */
export const stringList = z.array(z.string());
