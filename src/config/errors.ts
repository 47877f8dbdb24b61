/** A configuration problem that stops start-up; the message names the file, the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
