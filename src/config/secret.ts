import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that can be handed around (and even logged by mistake) without
 * leaking: every way of turning it into text prints a placeholder, and only an
 * explicit `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
