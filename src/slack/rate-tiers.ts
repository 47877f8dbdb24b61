/**
 * Slack's Web API rate tiers: how often each method may be called per app per
 * workspace. Tiers are per minute: Tier 1 ≈ 1+, Tier 2 ≈ 20+, Tier 3 ≈ 50+,
 * Tier 4 ≈ 100+ (https://docs.slack.dev/apis/web-api/rate-limits). `'post'`
 * marks the methods that put a new message into a channel, which Slack limits
 * per channel instead (about one per second, "short bursts allowed" but with
 * "no guarantee that messages will be stored or displayed").
 */
export type SlackTier = 1 | 2 | 3 | 4;
export type SlackRateClass = SlackTier | 'post';

/** Requests per minute for each tier: Slack's documented floors. */
export const DEFAULT_TIER_PER_MINUTE: Readonly<Record<SlackTier, number>> = Object.freeze({ 1: 1, 2: 20, 3: 50, 4: 100 });

/**
 * Calls a tier lets through at once before pacing starts, in the spirit of
 * Slack's words for each: Tier 1 "a small amount of burst behavior is tolerated"
 * (none here: one a minute is the whole budget), Tier 2 "occasional bursts",
 * Tier 3 "sporadic bursts are welcome", Tier 4 "generous burst behavior".
 * Small next to the per-minute rate, so a minute never sees much more than it.
 */
export const DEFAULT_TIER_BURST: Readonly<Record<SlackTier, number>> = Object.freeze({ 1: 1, 2: 3, 3: 5, 4: 10 });

/** A method not in the table: most of Slack's methods are Tier 2 to 4; Tier 3 is the middle. */
export const DEFAULT_TIER: SlackTier = 3;

/**
 * The methods omnibot-ts and its callbacks commonly call, with the tier each
 * method's reference page gives (cross-checked against the table Slack keeps in
 * its Java SDK, `com.slack.api.methods.MethodsRateLimits`). Slack's "special"
 * tiers that allow hundreds a minute (`auth.test`, `chat.getPermalink`) are
 * paced as Tier 4, the most generous tier here.
 *
 * Which methods are `'post'` (paced per channel) and why:
 * - `chat.postMessage` is the method Slack's one-message-per-second-per-channel
 *   rule is written for; `chat.meMessage` posts a new message into the channel
 *   just as well, so it shares the channel's pace.
 * - `chat.postEphemeral` (Tier 4), `chat.update`, `chat.delete`,
 *   `chat.scheduleMessage` (Tier 3), `reactions.add` (Tier 3) and
 *   `reactions.remove` (Tier 2) do not add a message to the channel's history,
 *   and Slack documents a per-workspace tier for each. Their key is the token and
 *   method, which is still first in first out across all channels, so two updates
 *   of one message keep their order.
 *
 * `conversations.history` and `conversations.replies` are Tier 3 for internal and
 * Marketplace apps; commercially distributed apps outside the Marketplace get one
 * call a minute since 2025: such a deployment overrides them with `methodTiers`.
 */
export const SLACK_METHOD_TIERS: Readonly<Record<string, SlackRateClass>> = Object.freeze({
  // chat.*
  'chat.postMessage': 'post',
  'chat.meMessage': 'post',
  'chat.postEphemeral': 4,
  'chat.update': 3,
  'chat.delete': 3,
  'chat.scheduleMessage': 3,
  'chat.deleteScheduledMessage': 3,
  'chat.scheduledMessages.list': 3,
  'chat.getPermalink': 4,
  'chat.unfurl': 3,

  // conversations.*
  'conversations.archive': 2,
  'conversations.close': 2,
  'conversations.create': 2,
  'conversations.history': 3,
  'conversations.info': 3,
  'conversations.invite': 3,
  'conversations.join': 3,
  'conversations.kick': 3,
  'conversations.leave': 3,
  'conversations.list': 2,
  'conversations.mark': 3,
  'conversations.members': 4,
  'conversations.open': 3,
  'conversations.rename': 2,
  'conversations.replies': 3,
  'conversations.setPurpose': 2,
  'conversations.setTopic': 2,
  'conversations.unarchive': 2,

  // users.*
  'users.conversations': 2,
  'users.deletePhoto': 2,
  'users.getPresence': 3,
  'users.identity': 3,
  'users.info': 4,
  'users.list': 2,
  'users.lookupByEmail': 3,
  'users.profile.get': 4,
  'users.profile.set': 3,
  'users.setActive': 2,
  'users.setPhoto': 2,
  'users.setPresence': 2,

  // reactions.*
  'reactions.add': 3,
  'reactions.get': 3,
  'reactions.list': 2,
  'reactions.remove': 2,

  // dialogs and views: answered within a trigger's three seconds, so generous.
  'dialog.open': 4,
  'views.open': 4,
  'views.publish': 4,
  'views.push': 4,
  'views.update': 4,

  // the workspace and the app
  'auth.test': 4,
  'bots.info': 3,
  'emoji.list': 2,
  'team.info': 3,
  'usergroups.list': 2,
  'usergroups.users.list': 2,

  // files.*
  'files.comments.delete': 2,
  'files.completeUploadExternal': 4,
  'files.delete': 3,
  'files.getUploadURLExternal': 4,
  'files.info': 4,
  'files.list': 3,
  'files.remote.add': 2,
  'files.remote.info': 2,
  'files.remote.list': 2,
  'files.remote.remove': 2,
  'files.remote.share': 2,
  'files.remote.update': 2,
  'files.revokePublicURL': 3,
  'files.sharedPublicURL': 3,
  'files.upload': 2,

  // pins.*
  'pins.add': 2,
  'pins.list': 2,
  'pins.remove': 2,
});
