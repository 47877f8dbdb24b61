/**
 * How deeply JSON from outside may nest. Slack's payloads nest about a dozen
 * levels; JSON.stringify and structuredClone overflow the stack at a few
 * thousand, and JSON.parse does not, so a body can be read and then fail in
 * whatever next walks it: a 500 in a route, a message failing on every
 * delivery in the worker.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * True when no object or array in the JSON text nests deeper than maxDepth.
 * One pass, no parse: brackets inside strings are skipped. Meant for text
 * that is parsed as JSON as well (for text that isn't, the parse fails anyway).
 */
export function jsonNestingWithin(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: on to its closing quote, past escaped characters.
      for (i += 1; i < text.length; i += 1) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i += 1;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return false;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return true;
}

/** A 400 for a body nested deeper than MAX_JSON_DEPTH (Fastify answers an Error's statusCode). */
export class JsonTooDeepError extends Error {
  override readonly name = 'JsonTooDeepError';
  readonly statusCode = 400;
  readonly code = 'OMNIBOT_JSON_TOO_DEEP';

  constructor(what = 'The body') {
    super(`${what} is JSON nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
}
