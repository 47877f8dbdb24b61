import fp from 'fastify-plugin';
import type { Config } from '../config/load.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated, frozen configuration the process started with. */
    config: Config;
  }
}

export default fp<{ config: Config }>(
  async (app, options) => {
    app.decorate('config', options.config);
  },
  { name: 'omnibot-config', fastify: '5.x' },
);
