import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../graphql/generated';
import { GraphqlError } from './client';
import { useClient, useConnection } from './hooks';

export interface Connection<E> {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly E[];
}

export interface PagedList<E> {
  readonly items: readonly E[];
  readonly totalCount: number;
  readonly loading: boolean;
  readonly error: GraphqlError | null;
  readonly loadMore: () => void;
  readonly refetch: () => void;
  /** Folds a live change in: replaces the item with this key, removes it (null), or prepends it. */
  readonly apply: (key: string, item: E | null, prependIfNew: boolean) => void;
}

/**
 * A cursor-paged list (first/after), one page at a time as the user scrolls, fetched again from
 * the top when the filter changes or the socket comes back. Live updates are folded in by the
 * view through `apply`, never by refetching.
 */
export function usePaged<R, V, E>(
  document: TypedDocumentString<R, V>,
  variables: Omit<V, 'first' | 'after'>,
  pick: (answer: R) => Connection<E>,
  keyOf: (item: E) => string,
  pageSize = 100,
): PagedList<E> {
  const client = useClient();
  const state = useConnection();
  const generation = state === 'connected' ? client.generation : -1;
  const key = JSON.stringify(variables);
  const [items, setItems] = useState<readonly E[]>([]);
  const [totalCount, setTotalCount] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<GraphqlError | null>(null);
  const [nonce, setNonce] = useState(0);
  const next = useRef<{ cursor: string | null; more: boolean; busy: boolean; epoch: number }>({ cursor: null, more: false, busy: false, epoch: 0 });

  const fetchPage = useCallback(
    async (after: string | null, epoch: number) => {
      next.current.busy = true;
      setLoading(true);
      try {
        const answer = pick(await client.request(document, { ...(JSON.parse(key) as object), first: pageSize, after } as V));
        if (epoch !== next.current.epoch) return;
        setTotalCount(answer.totalCount);
        setItems((held) => {
          const base = after === null ? [] : held;
          const seen = new Set(base.map(keyOf));
          return [...base, ...answer.edges.filter((edge) => !seen.has(keyOf(edge)))];
        });
        next.current.cursor = answer.pageInfo.endCursor;
        next.current.more = answer.pageInfo.hasNextPage;
        setError(null);
      } catch (failure) {
        if (epoch === next.current.epoch) setError(failure as GraphqlError);
      } finally {
        if (epoch === next.current.epoch) {
          next.current.busy = false;
          setLoading(false);
        }
      }
    },
    [client, document, key, pageSize],
  );

  useEffect(() => {
    if (generation < 0) return;
    next.current = { cursor: null, more: false, busy: false, epoch: next.current.epoch + 1 };
    void fetchPage(null, next.current.epoch);
  }, [fetchPage, generation, nonce]);

  const loadMore = useCallback(() => {
    if (next.current.busy || !next.current.more) return;
    void fetchPage(next.current.cursor, next.current.epoch);
  }, [fetchPage]);

  const apply = useCallback((itemKey: string, item: E | null, prependIfNew: boolean) => {
    setItems((held) => {
      const at = held.findIndex((existing) => keyOf(existing) === itemKey);
      if (at >= 0) {
        if (item === null) {
          setTotalCount((count) => count - 1);
          return [...held.slice(0, at), ...held.slice(at + 1)];
        }
        return [...held.slice(0, at), item, ...held.slice(at + 1)];
      }
      if (item === null || !prependIfNew) return held;
      setTotalCount((count) => count + 1);
      return [item, ...held];
    });
  }, []);

  return { items, totalCount, loading, error, loadMore, refetch: useCallback(() => setNonce((n) => n + 1), []), apply };
}
