import { problemSchema } from '#contracts/common.js';

/** The problem+json responses a route can give, for its OpenAPI description. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema]));
}
