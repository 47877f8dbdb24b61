import { CloneType, type TSchema } from '@sinclair/typebox';

/** Why each error status is answered, whatever the route; a route may say more about its own. */
const WHY = {
  400: 'The request is malformed: a path parameter over its bound, or a body that is not what the route reads.',
  401: 'The Slack request signature is missing, stale or wrong.',
  403: 'Denied: by the authorization checks, or (Slack\'s routes) by omnibot\'s checks of the payload.',
  404: 'The team or bot is not configured, or what was looked up was not found.',
  413: 'The body is over 1 MiB (a webhook: larger than NATS takes).',
  414: 'A path parameter is longer than the router takes (1,024 characters).',
  415: 'The body\'s content type is not one the route reads.',
  500: 'An unexpected failure, logged.',
  502: 'Slack could not be reached, or did not answer usably.',
  503: 'Overloaded (see Retry-After); for a webhook, also: not stored in JetStream. Try again.',
} as const;

export type ErrorStatus = keyof typeof WHY;

/**
 * The error part of a route's response schemas: one schema per status, each
 * described, so that the serializer checks every error body and the OpenAPI
 * document lists every error a client can get.
 */
export function errorResponses<S extends TSchema, C extends ErrorStatus>(
  schema: S,
  statuses: readonly C[],
  own: Partial<Record<C, string>> = {},
): Record<C, S> {
  const responses = {} as Record<C, S>;
  for (const status of statuses) responses[status] = CloneType(schema, { description: own[status] ?? WHY[status] });
  return responses;
}
