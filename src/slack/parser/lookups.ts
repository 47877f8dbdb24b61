/**
 * Looks each distinct key up once. Every lookup is started (synchronously,
 * in key order) before any is awaited, so they run concurrently.
 */
export async function lookupEach<T>(
  keys: ReadonlySet<string>,
  lookup: (key: string) => Promise<T>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  if (keys.size === 0) return found;
  const list = [...keys];
  const values = await Promise.all(list.map((key) => lookup(key)));
  for (let i = 0; i < list.length; i++) found.set(list[i] as string, values[i] as T);
  return found;
}
