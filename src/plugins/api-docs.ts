import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { swaggerOptions } from '../openapi.js';

/**
 * API_DOCS=1: the OpenAPI document of the routes registered after this
 * plugin, rendered at /docs (and as JSON at /docs/json). Swagger UI's files
 * come from the package itself, and nothing it loads is fetched from
 * elsewhere (no validator badge), so the page works offline. Behind the
 * authorization checks like every other route.
 */
export default fp(
  async (app) => {
    await app.register(swagger, swaggerOptions());
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // Swagger UI would otherwise ask validator.swagger.io to check the document.
      uiConfig: { validatorUrl: null, deepLinking: true },
      staticCSP: true,
    });
  },
  { name: 'omnibot-api-docs', fastify: '5.x' },
);
