/**
 * The page itself: three static files, read once. They live in
 * src/dev/page/ (plain HTML, CSS and JavaScript: no build step), which is two
 * levels up from this module both as src/dev/*.ts and as dist/dev/*.js.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';

const PAGE_DIR = new URL('../../src/dev/page/', import.meta.url);

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/render.js': { file: 'render.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

const pageFiles: FastifyPluginAsync = async (app) => {
  for (const [route, { file, type }] of Object.entries(FILES)) {
    const content = await readFile(new URL(file, PAGE_DIR));
    app.get(route, (_request, reply) => reply.type(type).header('cache-control', 'no-store').send(content));
  }
  // Browsers ask for one; there is none.
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
};

export default pageFiles;
