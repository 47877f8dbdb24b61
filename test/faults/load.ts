import { Pool } from 'undici';
import { signSlackRequest } from '../../src/slack/signature.js';

/** One HTTP request for an event: Slack's first send or one of its retries. */
export interface Attempt {
  /** performance.now() when it was sent, and when its answer came (or Slack gave up). */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** The status, `timeout` when there was none within Slack's 3 s, `error` when the connection failed. */
  readonly status: number | 'timeout' | 'error';
  /** 0 for the first send, then X-Slack-Retry-Num. */
  readonly retry: number;
}

export interface SentEvent {
  readonly id: string;
  readonly attempts: Attempt[];
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly signingSecret: string;
  readonly appId: string;
  readonly teamId: string;
  /** Events per second, each with its own event_id. */
  readonly rate: number;
  /**
   * When Slack sends a webhook again after a non-200 answer, after the answer. Slack's own are
   * about 0 s, 1 min and 5 min; a fault run compresses them, keeping their order and count.
   */
  readonly retryDelaysMs: readonly number[];
  readonly connections?: number;
}

/** Slack gives up on an answer after 3 s and counts it a failure (X-Slack-Retry-Reason: http_timeout). */
const SLACK_TIMEOUT_MS = 3_000;

/**
 * Slack, as a fault run needs it: signed, unique events at a steady rate, and every answer
 * that is not a 200 (or none within 3 s) followed by Slack's retries of that event.
 */
export class WebhookLoad {
  readonly #options: LoadOptions;
  readonly #pool: Pool;
  readonly events = new Map<string, SentEvent>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: LoadOptions) {
    this.#options = options;
    this.#pool = new Pool(options.baseUrl, { connections: options.connections ?? 1_024, keepAliveTimeout: 30_000 });
  }

  /**
   * Sends `rate` events per second, ids `<prefix><n>`, for `durationMs` or until `until` settles;
   * resolves once every retry has been answered.
   */
  async run(prefix: string, until: number | Promise<unknown>): Promise<void> {
    const started = performance.now();
    let stopped = false;
    if (typeof until === 'number') setTimeout(() => (stopped = true), until);
    else void until.finally(() => (stopped = true));
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        if (stopped) return resolve();
        const due = Math.floor(((performance.now() - started) * this.#options.rate) / 1000);
        while (sent < due) {
          const id = `${prefix}${String(sent).padStart(6, '0')}`;
          sent += 1;
          const event: SentEvent = { id, attempts: [] };
          this.events.set(id, event);
          this.#track(this.#send(event, 0));
        }
        setTimeout(tick, 5);
      };
      tick();
    });
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track(task: Promise<void>): void {
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  async #send(event: SentEvent, retry: number): Promise<void> {
    const { signingSecret, appId, teamId } = this.#options;
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;
    const body = JSON.stringify({
      token: 'unused',
      team_id: teamId,
      api_app_id: appId,
      type: 'event_callback',
      event_id: `Ev${event.id}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', channel: 'C0FAULTS', user: 'U0ALICE', text: `<@UBOT> fault ${event.id}`, ts, event_ts: ts },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
    };
    const previous = event.attempts.at(-1);
    if (retry > 0 && previous) {
      headers['x-slack-retry-num'] = String(retry);
      headers['x-slack-retry-reason'] = previous.status === 'timeout' ? 'http_timeout' : 'http_error';
    }
    const sentAt = performance.now();
    let status: Attempt['status'];
    try {
      const answer = await this.#pool.request({ path: '/api/v1/slack/event', method: 'POST', headers, body, signal: AbortSignal.timeout(SLACK_TIMEOUT_MS) });
      await answer.body.dump();
      status = answer.statusCode;
    } catch (error) {
      status = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError' ? 'timeout' : 'error';
    }
    event.attempts.push({ sentAt, answeredAt: performance.now(), status, retry });
    const delay = this.#options.retryDelaysMs[retry];
    if (status !== 200 && delay !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      await this.#send(event, retry + 1);
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
