import { Type, type Static } from '@sinclair/typebox';

/**
 * omnibot's configuration file, as lyft/omnibot reads it. Every mapping whose
 * keys are known lists them and refuses others (`additionalProperties: false`),
 * so that an editor using schemas/config.schema.json flags a typo. Loading is
 * kinder, as omnibot was: unknown keys are reported with the closest known key
 * and left out before validation (unknown-keys.ts), so an existing file keeps
 * working unchanged.
 */

const Kwargs = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Keyword arguments passed to the module.',
});

export const ModuleSpecSchema = Type.Object(
  {
    module: Type.String({
      minLength: 1,
      description:
        'An omnibot built-in (`omnibot.authnz:allowed_paths`, `omnibot.callbacks.network_callbacks:http_callback`, …) or a JavaScript module path and export (`./callbacks/mine.js:handle`).',
    }),
    kwargs: Type.Optional(Kwargs),
  },
  { additionalProperties: false },
);
export type ModuleSpec = Static<typeof ModuleSpecSchema>;

export const CallbackSpecSchema = Type.Object(
  {
    ...ModuleSpecSchema.properties,
    synchronous: Type.Optional(
      Type.Boolean({ description: 'Interactive components only: run now and answer Slack with the result.' }),
    ),
  },
  { additionalProperties: false },
);
export type CallbackSpec = Static<typeof CallbackSpecSchema>;

const HandlerBots = Type.Record(Type.String(), Type.Array(Type.String()), {
  description: 'Team name → names of the bots this handler serves in that team.',
});

const ResponseType = Type.Union([Type.Literal('in_channel'), Type.Literal('ephemeral')]);

const handlerCommon = {
  description: Type.Optional(Type.String()),
  bots: Type.Optional(HandlerBots),
  callbacks: Type.Optional(Type.Array(CallbackSpecSchema)),
};

export const MessageHandlerSchema = Type.Object(
  {
    match: Type.String({ description: 'A command prefix, or a regular expression.' }),
    match_type: Type.Union([Type.Literal('command'), Type.Literal('regex'), Type.Literal('reaction')]),
    regex_type: Type.Optional(Type.Union([Type.Literal('absence'), Type.Literal('presence')])),
    match_mention: Type.Optional(Type.Boolean()),
    match_reply: Type.Optional(Type.Boolean()),
    ...handlerCommon,
  },
  { additionalProperties: false },
);
export type MessageHandler = Static<typeof MessageHandlerSchema>;

const writeResponseOptions = {
  response_type: Type.Optional(ResponseType),
  canned_response: Type.Optional(Type.String()),
  no_message_response: Type.Optional(Type.Boolean()),
  dialog: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'A Slack dialog, opened with the trigger id.' })),
};

export const SlashCommandHandlerSchema = Type.Object(
  {
    command: Type.String({ pattern: '^/', description: 'The slash command, with its leading slash.' }),
    ...writeResponseOptions,
    ...handlerCommon,
  },
  { additionalProperties: false },
);
export type SlashCommandHandler = Static<typeof SlashCommandHandlerSchema>;

export const InteractiveComponentHandlerSchema = Type.Object(
  {
    callback_id: Type.String(),
    ...writeResponseOptions,
    ...handlerCommon,
  },
  { additionalProperties: false },
);
export type InteractiveComponentHandler = Static<typeof InteractiveComponentHandlerSchema>;

const PermissionSchema = Type.Object(
  {
    methods: Type.Optional(Type.Array(Type.String())),
    paths: Type.Optional(Type.Array(Type.String())),
    internal_only: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AuthorizationSchema = Type.Object(
  {
    checks: Type.Optional(
      Type.Union([Type.Array(ModuleSpecSchema), ModuleSpecSchema], {
        description: 'Checks every API request must pass, in order. None: every request is denied.',
      }),
    ),
    permissions: Type.Optional(Type.Record(Type.String(), PermissionSchema)),
    bindings: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  },
  { additionalProperties: false },
);
export type AuthorizationConfigFile = Static<typeof AuthorizationSchema>;

export const ConfigFileSchema = Type.Object(
  {
    authorization: Type.Optional(AuthorizationSchema),
    teams: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      description: 'Team name (used by omnibot) → Slack team id.',
      minProperties: 1,
    }),
    bots: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.String({ minLength: 1 })), {
        description: 'Team name → bot name → Slack app id.',
      }),
    ),
    primary_bot: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Team name → the bot whose tokens keep the directory fresh.',
      }),
    ),
    handlers: Type.Optional(
      Type.Object(
        {
          message_handlers: Type.Optional(Type.Array(MessageHandlerSchema)),
          slash_command_handlers: Type.Optional(Type.Array(SlashCommandHandlerSchema)),
          interactive_component_handlers: Type.Optional(Type.Array(InteractiveComponentHandlerSchema)),
        },
        { additionalProperties: false },
      ),
    ),
    help_callback: Type.Optional(
      Type.Object({ callback: ModuleSpecSchema }, { description: 'Replaces the built-in help for unmatched directed messages.' }),
    ),
    default_to_help: Type.Optional(Type.Boolean({ default: true })),
    team_fallback: Type.Optional(Type.String()),
    list_provider_update_frequency: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, default: 120, description: 'Seconds between whole-list refreshes of the directory.' }),
    ),
    watcher_spawn_wait_time_in_sec: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5 })),
    help_handler: Type.Optional(
      Type.Unknown({ description: 'In omnibot\'s own test configuration, read by neither omnibot nor omnibot-ts: ignored. Use help_callback.' }),
    ),
  },
  {
    title: 'omnibot configuration file',
    additionalProperties: false,
  },
);
export type ConfigFile = Static<typeof ConfigFileSchema>;

/** omnibot keys that omnibot-ts knows but does nothing with: a warning says so. */
export const IGNORED_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['help_handler']);
