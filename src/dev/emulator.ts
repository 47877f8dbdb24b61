/**
 * The emulated Slack: its Web API, the response_urls it hands out, and the
 * page where people use it; one Fastify instance of its own, apart from
 * omnibot-ts's, on its own port.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import sensible from '@fastify/sensible';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { NatsConnection } from 'nats';
import { EventDelivery } from './event-delivery.js';
import { Interactions } from './interactions.js';
import live from './live.js';
import pageApi from './page-api.js';
import pageFiles from './page-files.js';
import { People } from './people.js';
import responseUrlRoute from './response-url-route.js';
import { Responder } from './responses.js';
import { TraceLog } from './trace-log.js';
import webApi from './web-api/index.js';
import { WebhookSender } from './webhook-sender.js';
import { Workspace, type EmulatedBot } from './workspace.js';
import type { WorkspaceFile } from './workspace-file.js';

export interface SlashCommand {
  readonly command: string;
  /** The configured bot (app) the command belongs to. */
  readonly bot: string;
  readonly description: string;
}

export interface EmulatorOptions {
  readonly workspaceFile: WorkspaceFile;
  readonly team: { readonly id: string; readonly name: string };
  readonly bots: readonly EmulatedBot[];
  readonly commands: readonly SlashCommand[];
  readonly port: number;
  readonly host: string;
  readonly logger?: FastifyServerOptions['logger'];
}

export interface Emulator {
  /** The page, e.g. http://127.0.0.1:8081; the Web API is `${url}/api/`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly workspace: Workspace;
  readonly traces: TraceLog;
  /** Where to send webhooks, and the NATS connection to follow the roles' trace on. */
  attach(omnibot: { readonly url: string; readonly nats?: NatsConnection }): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const workspace = new Workspace(options.workspaceFile, options.team, options.bots);
  const interactions = new Interactions();
  const traces = new TraceLog(workspace);
  const sender = new WebhookSender(traces);
  const events = new EventDelivery(workspace, sender);
  const responder = new Responder(workspace, events);
  const commands = new Map<string, NonNullable<ReturnType<Workspace['bots']['get']>>>();
  for (const { command, bot } of options.commands) {
    const identity = workspace.bots.get(bot);
    if (identity && !commands.has(command)) commands.set(command, identity);
  }
  const people = new People(workspace, interactions, { sender, events, responder, commands });
  let omnibotUrl: string | undefined;

  const app = Fastify({
    logger: options.logger ?? false,
    // The page's event streams never go idle: close them with the server.
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(sensible);
  await app.register(webApi, { workspace, interactions, events });
  await app.register(responseUrlRoute, { interactions, responder });
  await app.register(pageApi, {
    workspace,
    interactions,
    people,
    traces,
    commands: options.commands.filter((entry) => commands.get(entry.command)?.name === entry.bot),
    omnibotUrl: () => omnibotUrl,
  });
  await app.register(live, { workspace });
  await app.register(pageFiles);

  const url = (await app.listen({ port: options.port, host: options.host })).replace(/\/$/, '');
  people.setBaseUrl(url);
  return {
    url,
    app,
    workspace,
    traces,
    attach(omnibot) {
      omnibotUrl = omnibot.url;
      sender.setTarget(omnibot.url);
      if (omnibot.nats) traces.follow(omnibot.nats);
    },
    async close() {
      traces.stop();
      await app.close();
    },
  };
}
