import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function encode(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ALPHABET[(bytes[i % bytes.length] ?? 0) % ALPHABET.length];
  return out;
}

/** A Slack-shaped id (`U0…`, `C0…`) that is the same for the same seed on every run, so stores outlive restarts. */
export function stableId(prefix: string, seed: string): string {
  return `${prefix}0${encode(createHash('sha256').update(seed).digest(), 9)}`;
}

/** A fresh Slack-shaped id for things that live only while the emulator runs (views, event ids). */
export function freshId(prefix: string, length = 10): string {
  return `${prefix}${encode(randomBytes(length), length)}`;
}

/** A trigger id as Slack shapes them: `<digits>.<digits>.<hex>`. */
export function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;
}

/** Message timestamps: `seconds.micro`, strictly increasing, unique within the workspace as Slack's are per channel. */
export class TsClock {
  #last = 0;

  next(): string {
    const micros = Math.max(Date.now() * 1000, this.#last + 1);
    this.#last = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}
