import type { BotCredentials } from './credentials.js';
import type {
  ConfigFile,
  InteractiveComponentHandler,
  MessageHandler,
  SlashCommandHandler,
} from './schema.js';

export interface Team {
  /** The name omnibot's configuration and API paths use. */
  readonly name: string;
  /** Slack's team id (T…). */
  readonly id: string;
}

export interface BotHandlers {
  readonly message: readonly MessageHandler[];
  readonly slashCommand: readonly SlashCommandHandler[];
  readonly interactiveComponent: readonly InteractiveComponentHandler[];
}

export interface Bot {
  readonly name: string;
  /** Slack's app id (A…), which the credential variables are named after. */
  readonly appId: string;
  readonly team: Team;
  readonly credentials: BotCredentials;
  readonly handlers: BotHandlers;
  /** Fields that identify the bot in a log line (never a credential). */
  readonly logContext: Readonly<{ team: string; team_id: string; bot: string; bot_id: string }>;
}

/** A handler serves a bot when the handler's `bots` lists the bot's name under the bot's team. */
function servesBot(handler: { bots?: Record<string, string[]> }, bot: { name: string; team: Team }): boolean {
  return handler.bots?.[bot.team.name]?.includes(bot.name) ?? false;
}

export function handlersFor(file: ConfigFile, bot: { name: string; team: Team }): BotHandlers {
  const handlers = file.handlers ?? {};
  return Object.freeze({
    message: Object.freeze((handlers.message_handlers ?? []).filter((h) => servesBot(h, bot))),
    slashCommand: Object.freeze((handlers.slash_command_handlers ?? []).filter((h) => servesBot(h, bot))),
    interactiveComponent: Object.freeze(
      (handlers.interactive_component_handlers ?? []).filter((h) => servesBot(h, bot)),
    ),
  });
}

/**
 * Every lookup a request needs, built once at start-up so that no request scans
 * the configuration.
 */
export class Registry {
  readonly teams: readonly Team[];
  readonly bots: readonly Bot[];
  readonly #teamsByName = new Map<string, Team>();
  readonly #teamsById = new Map<string, Team>();
  readonly #botsByTeamAndName = new PairMap<Bot>();
  readonly #botsByTeamAndAppId = new PairMap<Bot>();
  readonly #botsByAppId = new Map<string, Bot[]>();
  readonly #botsByVerificationToken = new Map<string, Bot>();
  readonly #botsBySigningSecret = new Map<string, Bot>();
  readonly #primaryBots = new Map<string, Bot>();

  constructor(teams: readonly Team[], bots: readonly Bot[], primaryBots: ReadonlyMap<string, string>) {
    this.teams = Object.freeze([...teams]);
    this.bots = Object.freeze([...bots]);
    for (const team of teams) {
      this.#teamsByName.set(team.name, team);
      // Two names for one team id: the first configured wins, as omnibot's scan does.
      if (!this.#teamsById.has(team.id)) this.#teamsById.set(team.id, team);
    }
    for (const bot of bots) {
      this.#botsByTeamAndName.set(bot.team.name, bot.name, bot);
      this.#botsByTeamAndAppId.set(bot.team.id, bot.appId, bot);
      const sameApp = this.#botsByAppId.get(bot.appId) ?? [];
      sameApp.push(bot);
      this.#botsByAppId.set(bot.appId, sameApp);
      // omnibot takes the first bot whose token matches; keep the first one too.
      const token = bot.credentials.verificationToken?.reveal();
      if (token && !this.#botsByVerificationToken.has(token)) this.#botsByVerificationToken.set(token, bot);
      const secret = bot.credentials.signingSecret?.reveal();
      if (secret && !this.#botsBySigningSecret.has(secret)) this.#botsBySigningSecret.set(secret, bot);
    }
    for (const [teamName, botName] of primaryBots) {
      const bot = this.bot(teamName, botName);
      if (bot) this.#primaryBots.set(teamName, bot);
    }
  }

  teamByName(name: string): Team | undefined {
    return this.#teamsByName.get(name);
  }

  teamById(id: string): Team | undefined {
    return this.#teamsById.get(id);
  }

  bot(teamName: string, botName: string): Bot | undefined {
    return this.#botsByTeamAndName.get(teamName, botName);
  }

  botByAppId(team: Team, appId: string): Bot | undefined {
    return this.#botsByTeamAndAppId.get(team.id, appId);
  }

  /** Every enabled bot of an app id, across teams (one app can be installed in several). */
  botsByAppId(appId: string): readonly Bot[] {
    return this.#botsByAppId.get(appId) ?? [];
  }

  botByVerificationToken(token: string): Bot | undefined {
    return this.#botsByVerificationToken.get(token);
  }

  botBySigningSecret(secret: string): Bot | undefined {
    return this.#botsBySigningSecret.get(secret);
  }

  /** The bot whose tokens keep a team's directory fresh (`primary_bot`). */
  primaryBot(teamName: string): Bot | undefined {
    return this.#primaryBots.get(teamName);
  }
}

/** A map keyed by a pair of strings: unambiguous whatever characters they hold, and no key to build per lookup. */
class PairMap<V> {
  readonly #byFirst = new Map<string, Map<string, V>>();

  get(first: string, second: string): V | undefined {
    return this.#byFirst.get(first)?.get(second);
  }

  set(first: string, second: string, value: V): void {
    let bySecond = this.#byFirst.get(first);
    if (!bySecond) this.#byFirst.set(first, (bySecond = new Map()));
    bySecond.set(second, value);
  }
}
