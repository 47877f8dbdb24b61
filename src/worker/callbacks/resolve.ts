import { importConfiguredExport, ModuleLoadError, notAFunction } from '../../config/modules.js';
import { httpCallback } from './http.js';
import { echoDialogSubmissionCallback } from './interactive-component-callbacks.js';
import {
  channelChannelCallback,
  channelResponseCallback,
  congratulationsBotCallback,
  exampleAttachmentCallback,
  exampleTopicCallback,
  helpCallback,
  specialsCallback,
  testCallback,
} from './message-callbacks.js';
import { bigemojiCallback, echoCallback, tableflipCallback, unfliptableCallback } from './slash-command-callbacks.js';
import { CallbackConfigError, type Callback } from './types.js';

const MESSAGE = 'omnibot.callbacks.message_callbacks';
const SLASH_COMMAND = 'omnibot.callbacks.slash_command_callbacks';
const INTERACTIVE_COMPONENT = 'omnibot.callbacks.interactive_component_callbacks';

/** omnibot's module names for the callbacks built in here: every function of omnibot's callbacks modules. */
export const BUILT_IN_CALLBACKS: Readonly<Record<string, Callback>> = Object.freeze({
  'omnibot.callbacks.network_callbacks:http_callback': (payload, kwargs, context) =>
    httpCallback(payload, kwargs, context?.httpCallbackOptions),
  [`${MESSAGE}:help_callback`]: helpCallback,
  [`${MESSAGE}:specials_callback`]: specialsCallback,
  [`${MESSAGE}:channel_channel_callback`]: channelChannelCallback,
  [`${MESSAGE}:congratulations_bot_callback`]: congratulationsBotCallback,
  [`${MESSAGE}:channel_response_callback`]: channelResponseCallback,
  [`${MESSAGE}:example_topic_callback`]: exampleTopicCallback,
  [`${MESSAGE}:example_attachment_callback`]: exampleAttachmentCallback,
  [`${MESSAGE}:test_callback`]: testCallback,
  [`${SLASH_COMMAND}:echo_callback`]: echoCallback,
  [`${SLASH_COMMAND}:tableflip_callback`]: tableflipCallback,
  [`${SLASH_COMMAND}:unfliptable_callback`]: unfliptableCallback,
  [`${SLASH_COMMAND}:bigemoji_callback`]: bigemojiCallback,
  [`${INTERACTIVE_COMPONENT}:echo_dialog_submission_callback`]: echoDialogSubmissionCallback,
});

/** The built-in help, which an unmatched directed message gets when `help_callback` is not configured. */
export const BUILT_IN_HELP_MODULE = `${MESSAGE}:help_callback`;

const loaded = new Map<string, Promise<Callback>>();

async function importCallback(spec: string, baseDir: string): Promise<Callback> {
  if (spec.startsWith('omnibot.')) throw new CallbackConfigError(`callback module "${spec}" is not one of omnibot's built-in callbacks`);
  let loaded: { exportName: string; value: unknown };
  try {
    loaded = await importConfiguredExport(spec, baseDir);
  } catch (error) {
    if (!(error instanceof ModuleLoadError)) throw error;
    throw new CallbackConfigError(`callback module ${error.message}`, { cause: error });
  }
  if (typeof loaded.value !== 'function') {
    throw new CallbackConfigError(`callback module "${spec}" ${notAFunction(loaded.exportName, loaded.value)}; a callback must be a function`);
  }
  return loaded.value as Callback;
}

/** The function for a callback's `module`, imported once per process. */
export function resolveCallback(spec: string, baseDir: string): Promise<Callback> {
  const builtIn = Object.hasOwn(BUILT_IN_CALLBACKS, spec) ? BUILT_IN_CALLBACKS[spec] : undefined;
  if (builtIn) return Promise.resolve(builtIn);
  const key = `${baseDir}\u0000${spec}`;
  let found = loaded.get(key);
  if (!found) {
    found = importCallback(spec, baseDir);
    // A failed import is reported each time rather than cached forever.
    found.catch(() => loaded.delete(key));
    loaded.set(key, found);
  }
  return found;
}
