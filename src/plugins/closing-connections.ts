import fp from 'fastify-plugin';

/**
 * Once the app is closing, every answer says `Connection: close`, so Node ends
 * its connection as soon as it is sent.
 *
 * Fastify calls Node's `server.close()` after the preClose hooks (the worker's
 * drain), and Node then closes only the keep-alive connections that are idle
 * at that moment. A request still being answered then (a webhook waiting for
 * JetStream's ack) would leave its connection open after the answer, and
 * close() would wait for it until the keep-alive timeout (Fastify's 72 s) or
 * the client hanging up: a SIGTERM or Ctrl-C that takes over a minute.
 * Fastify already answers requests that arrive while closing with 503 and
 * `Connection: close`; this covers those that arrived before.
 */
export default fp(
  async (app) => {
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) void reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'omnibot-closing-connections', fastify: '5.x' },
);
