/** users.*, auth.test, bots.info and emoji.list: who is in the emulated workspace. */
import { userJson } from '../shapes.js';
import { page } from './cursor.js';
import { failure, type Answer, type WebApiMethod } from './method.js';

export const userMethods: Readonly<Record<string, WebApiMethod>> = {
  'auth.test': {
    run({ workspace, caller }) {
      const person = workspace.people.get(caller.userId);
      const answer: Answer = {
        ok: true,
        url: `https://${workspace.domain}.slack.com/`,
        team: workspace.teamName,
        user: person?.name ?? '',
        team_id: workspace.teamId,
        user_id: caller.userId,
        is_enterprise_install: false,
      };
      if (caller.kind === 'bot') answer.bot_id = caller.bot.botId;
      return answer;
    },
  },

  'users.list': {
    scopes: ['users:read'],
    run({ workspace, caller, params }) {
      const withEmail = caller.scopes.has('users:read.email');
      const members = [...workspace.people.values()].map((person) => userJson(workspace, person, withEmail));
      const answer = page(members, (member) => String(member.id), params, 'members', { fallback: 1000, max: 1000 });
      return answer.ok ? { ...answer, cache_ts: Math.floor(Date.now() / 1000) } : answer;
    },
  },

  'users.info': {
    scopes: ['users:read'],
    run({ workspace, caller, params }) {
      const person = workspace.people.get(params.string('user') ?? '');
      if (!person) return failure('user_not_found');
      return { ok: true, user: userJson(workspace, person, caller.scopes.has('users:read.email')) };
    },
  },

  'users.lookupByEmail': {
    scopes: ['users:read.email'],
    run({ workspace, params }) {
      const email = params.string('email')?.toLowerCase();
      const person = [...workspace.people.values()].find((candidate) => candidate.email?.toLowerCase() === email);
      if (!person) return failure('users_not_found');
      return { ok: true, user: userJson(workspace, person, true) };
    },
  },

  'bots.info': {
    scopes: ['users:read'],
    run({ workspace, params }) {
      const botId = params.string('bot');
      const bot = [...workspace.bots.values()].find((candidate) => candidate.botId === botId);
      if (!bot) return failure('bot_not_found');
      return {
        ok: true,
        bot: { id: bot.botId, deleted: false, name: bot.name, updated: 1_700_000_000, app_id: bot.appId, user_id: bot.userId, icons: {} },
      };
    },
  },

  'emoji.list': {
    scopes: ['emoji:read'],
    run({ workspace }) {
      return { ok: true, emoji: { ...workspace.emoji }, cache_ts: String(Math.floor(Date.now() / 1000)) };
    },
  },
};
