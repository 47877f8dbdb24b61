import type { ParserDirectory } from './directory.js';
import { OUTBOUND_KINDS, parseOutbound, type OutboundKind } from './outbound.js';

/** `omnibot_parse` is not an object of argument name → list of kinds. */
export class ParseOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseOptionsError';
  }
}

const KIND_LIST = OUTBOUND_KINDS.map((kind) => `"${kind}"`).join(', ');

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The kinds named for one argument, read as omnibot's `"users" in to_parse`
 * read them, so that what services send to omnibot keeps working: a list (names
 * omnibot doesn't know, such as "emojis", are ignored as omnibot ignored them),
 * a string (a kind counts when the string contains it) or a mapping (its keys).
 */
function kindsOf(attr: string, value: unknown): OutboundKind[] {
  if (Array.isArray(value)) return OUTBOUND_KINDS.filter((kind) => value.includes(kind));
  if (typeof value === 'string') return OUTBOUND_KINDS.filter((kind) => value.includes(kind));
  if (typeof value === 'object' && value !== null) return OUTBOUND_KINDS.filter((kind) => Object.hasOwn(value, kind));
  throw new ParseOptionsError(`omnibot_parse.${attr} must be a list of ${KIND_LIST}; got ${describe(value)}`);
}

/**
 * Checks an `omnibot_parse` value, e.g. `{"text": ["channels", "users", "specials"]}`,
 * and returns its entries with the kinds each argument asks for. Where omnibot
 * would have crashed (not a mapping, or null for an argument) this throws
 * instead, so the caller can answer with a clear 400.
 */
export function readParseOptions(value: unknown): Array<[string, OutboundKind[]]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParseOptionsError(
      `omnibot_parse must be an object mapping argument names to lists of ${KIND_LIST}; got ${describe(value)}`,
    );
  }
  return Object.entries(value).map(([attr, kinds]) => [attr, kindsOf(attr, kinds)]);
}

/**
 * omnibot's parse_kwargs: applies parseOutbound to each string argument
 * named in `kwargs.omnibot_parse` and returns a new object without
 * `omnibot_parse` (the input is not changed). An argument that is missing or
 * not a string is left as it is (omnibot raised KeyError on a missing one).
 * A missing, undefined or null `omnibot_parse` means nothing to parse.
 * Arguments are parsed concurrently.
 *
 * @throws ParseOptionsError when `omnibot_parse` has the wrong shape.
 */
export async function applyOmnibotParse(
  kwargs: Record<string, unknown>,
  directory: ParserDirectory,
): Promise<Record<string, unknown>> {
  const { omnibot_parse: options, ...rest } = kwargs;
  if (options === undefined || options === null) return rest;
  const entries = readParseOptions(options);
  await Promise.all(
    entries.map(async ([attr, kinds]) => {
      if (!Object.hasOwn(rest, attr)) return;
      const value = rest[attr];
      if (typeof value === 'string') rest[attr] = await parseOutbound(value, kinds, directory);
    }),
  );
  return rest;
}
