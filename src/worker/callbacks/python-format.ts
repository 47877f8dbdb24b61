/** A template asks for a field that wasn't given, or is not one Python's str.format would read. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/**
 * Python's `str.format(**values)` for the templates omnibot's configuration
 * holds: `{name}` fields and `{{` / `}}` escapes. Anything else in braces
 * (positional fields, conversions, format specs, attribute access) throws
 * FormatError, as an unknown name throws KeyError in Python.
 */
export function formatPython(template: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  for (let at = 0; at < template.length; ) {
    const c = template[at] as string;
    if (c === '{' && template[at + 1] === '{') {
      out += '{';
      at += 2;
    } else if (c === '}' && template[at + 1] === '}') {
      out += '}';
      at += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', at);
      const name = end < 0 ? '' : template.slice(at + 1, end);
      if (!Object.hasOwn(values, name)) throw new FormatError(`no value for {${name}}`);
      out += values[name];
      at = end + 1;
    } else if (c === '}') {
      throw new FormatError("single '}' encountered in format string");
    } else {
      out += c;
      at += 1;
    }
  }
  return out;
}
