import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as Slack sent it: request signatures are over these bytes. */
    rawBody?: Buffer;
  }
}

/** A form body as omnibot's Flask `request.form.to_dict()` reads it: the first value of each field. */
export function parseForm(body: Buffer): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    if (!(key in form)) form[key] = value;
  }
  return form;
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/**
 * JSON and form parsers for Slack's routes that keep the raw bytes beside the
 * parsed body. Registered inside the Slack routes' scope only.
 */
export function keepRawBodies(app: FastifyInstance): void {
  // In place of the app's JSON parser (plugins/json-body.ts), in this scope only.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(badRequest('Body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, parseForm(body as Buffer));
  });
}
