/**
 * `POST /response_url/:id`: the response_urls the emulated Slack hands out
 * with slash commands and interactions, used as Slack's are (JSON, at most
 * five times within thirty minutes).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Interactions } from './interactions.js';
import type { Responder } from './responses.js';

const Answer = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });

const responseUrlRoute: FastifyPluginAsyncTypebox<{ interactions: Interactions; responder: Responder }> = async (app, { interactions, responder }) => {
  app.post(
    '/response_url/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: Answer, 400: Answer, 404: Answer },
      },
    },
    async (request, reply) => {
      const url = interactions.useResponseUrl(request.params.id);
      if (typeof url === 'string') return reply.code(404).send({ ok: false, error: url });
      const outcome = responder.apply(url, request.body);
      return outcome.ok ? outcome : reply.code(400).send(outcome);
    },
  );
};

export default responseUrlRoute;
