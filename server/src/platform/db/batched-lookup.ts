/**
 * Lookups by key that arrive together share one statement: the keys asked for during one turn of
 * the event loop are read by a single query, sent once the turn's I/O has been handled
 * (setImmediate). Under load, requests parsed in the same turn cost one round trip to the
 * database between them instead of one each. Nothing is kept: each lookup's query starts after
 * it was asked for, so it sees everything committed before the request arrived.
 */
export type BatchedLookup<K, R> = (key: K) => Promise<R | undefined>;

export function createBatchedLookup<K, R>(fetch: (keys: K[]) => Promise<Map<K, R>>): BatchedLookup<K, R> {
  let waiting = new Map<K, Array<{ resolve: (row: R | undefined) => void; reject: (err: unknown) => void }>>();
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    fetch([...batch.keys()]).then(
      (rows) => {
        for (const [key, callers] of batch) for (const c of callers) c.resolve(rows.get(key));
      },
      (err: unknown) => {
        for (const callers of batch.values()) for (const c of callers) c.reject(err);
      },
    );
  };

  return (key) =>
    new Promise<R | undefined>((resolve, reject) => {
      const callers = waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
