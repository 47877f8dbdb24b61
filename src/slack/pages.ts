import { SlackApiError, SlackClientError } from './errors.js';
import type { SlackCallOptions, SlackResponse } from './web-api.js';

/** Anything with the Web API client's `call`: the client itself, or a pacer in front of it. */
export interface SlackPageCaller {
  call<T extends SlackResponse = SlackResponse>(method: string, params: Record<string, unknown>, token: string, options?: SlackCallOptions): Promise<T>;
}

export interface SlackPagesOptions {
  /** Items per page asked of Slack. */
  limit?: number;
  /** More pages than this means the server is looping: the generator throws `too_many_pages`. */
  maxPages?: number;
  signal?: AbortSignal;
}

/**
 * The pages of a cursor-paginated Slack list, one array per call, in Slack's
 * order. The next page is asked for only when the caller wants it, so a
 * caller that stores each page before pulling the next holds one page at a
 * time, and breaking out of the loop stops the requests. Slack may answer a
 * page with fewer items than asked, or none, and still a cursor (it filters
 * after paging): only an empty cursor ends the list.
 */
export async function* slackPages<T>(
  caller: SlackPageCaller,
  method: string,
  params: Record<string, unknown>,
  token: string,
  itemsKey: string,
  options: SlackPagesOptions = {},
): AsyncGenerator<T[], void, undefined> {
  const maxPages = options.maxPages ?? 1000;
  const limit = options.limit ?? params['limit'] ?? 200;
  const callOptions = options.signal ? { signal: options.signal } : {};
  let cursor: string | undefined;

  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw new SlackClientError('too_many_pages', method, `Slack ${method}: still more pages after ${maxPages}; giving up`);
    }
    const response = await caller.call(method, { ...params, limit, cursor }, token, callOptions);
    if (!response.ok) {
      throw new SlackApiError(method, response.error ?? 'unknown_error', response.response_metadata?.messages);
    }
    const items = response[itemsKey];
    if (!Array.isArray(items)) {
      throw new SlackClientError('invalid_response', method, `Slack ${method}: page ${page} has no "${itemsKey}" array`);
    }
    yield items as T[];

    const next = response.response_metadata?.next_cursor;
    if (typeof next !== 'string' || next === '') return;
    // The same cursor again would be the same page forever.
    if (next === cursor) {
      throw new SlackClientError('invalid_response', method, `Slack ${method}: page ${page} repeated its cursor`);
    }
    cursor = next;
  }
}
