/**
 * omnibot-ts as a package: the types callback and check authors write
 * against. omnibot-ts itself runs as the `omnibot` command (dist/cli.js).
 */
export type * from './handler-types.js';
export type { CustomCheck } from './authnz/checks.js';
