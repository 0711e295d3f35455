import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorMessage, getPage, text, type Item } from './api.ts';

export interface Column {
  label: string;
  render: (item: Item) => ReactNode;
  /** Wider text columns wrap; the rest stay on one line. */
  wide?: boolean;
}

export interface Filter {
  /** Query parameter the API supports, e.g. `q`. */
  param: string;
  label: string;
  placeholder?: string;
}

export interface ListProps {
  title: string;
  endpoint: string;
  columns: Column[];
  empty: string;
  filter?: Filter | undefined;
  /** Changing it reloads the list from the first page (after a create, a revoke, ...). */
  reloadKey?: number;
  children?: ReactNode;
}

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'ready'; items: Item[]; nextCursor: string | null; loadingMore: boolean; moreError: string | null };

/** A list page: an optional create form, a filter box, a table with cursor paging, and clear empty, error and missing-API states. */
export function ListPage({ title, endpoint, columns, empty, filter, reloadKey = 0, children }: ListProps) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [query, setQuery] = useState('');
  const [draft, setDraft] = useState('');
  const [attempt, setAttempt] = useState(0);
  // Only the newest request may set state, so a slow first page cannot overwrite a newer filter.
  const generation = useRef(0);

  const params = useCallback((cursor?: string) => ({ [filter?.param ?? 'q']: filter ? query.trim() : undefined, cursor }), [filter, query]);

  useEffect(() => {
    const mine = ++generation.current;
    setState({ kind: 'loading' });
    getPage(endpoint, params()).then(
      (page) => mine === generation.current && setState({ kind: 'ready', items: page.items, nextCursor: page.nextCursor, loadingMore: false, moreError: null }),
      (error: unknown) => mine === generation.current && setState({ kind: 'failed', error }),
    );
  }, [endpoint, params, reloadKey, attempt]);

  const loadMore = () => {
    if (state.kind !== 'ready' || !state.nextCursor) return;
    const mine = generation.current;
    setState({ ...state, loadingMore: true, moreError: null });
    getPage(endpoint, params(state.nextCursor)).then(
      (page) => mine === generation.current && setState({ kind: 'ready', items: [...state.items, ...page.items], nextCursor: page.nextCursor, loadingMore: false, moreError: null }),
      (error: unknown) => mine === generation.current && setState({ ...state, loadingMore: false, moreError: errorMessage(error) }),
    );
  };

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setQuery(draft);
  };

  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {state.kind === 'failed' && state.error instanceof ApiError && state.error.status === 404 ? null : children}
      {filter && state.kind !== 'failed' ? (
        <form className="filter" role="search" onSubmit={onSearch}>
          <label htmlFor="list-filter">{filter.label}</label>
          <input id="list-filter" type="search" value={draft} placeholder={filter.placeholder} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Search</button>
          {query ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                setDraft('');
                setQuery('');
              }}
            >
              Clear
            </button>
          ) : null}
        </form>
      ) : null}
      <ListBody state={state} columns={columns} empty={query ? `Nothing matches “${query}”.` : empty} onRetry={() => setAttempt((n) => n + 1)} onMore={loadMore} title={title} />
    </section>
  );
}

function ListBody({ state, columns, empty, title, onRetry, onMore }: { state: State; columns: Column[]; empty: string; title: string; onRetry: () => void; onMore: () => void }) {
  if (state.kind === 'loading') return <p role="status" className="muted">Loading…</p>;
  if (state.kind === 'failed') return <Failure error={state.error} onRetry={onRetry} />;
  if (state.items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {state.items.map((item, index) => (
              <tr key={text(item, 'id') || index}>
                {columns.map((c) => (
                  <td key={c.label} className={c.wide ? 'wide' : undefined} data-label={c.label}>
                    {c.render(item)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {state.moreError ? (
        <p role="alert" className="error">
          {state.moreError}
        </p>
      ) : null}
      {state.nextCursor ? (
        <button type="button" className="more" onClick={onMore} disabled={state.loadingMore}>
          {state.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </>
  );
}

/** Error states: a missing API (404) is expected while the product grows, so it reads as "not available yet", not as a failure. */
export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="notice">
        <p>
          <strong>Not available yet.</strong> This part of Townhall is not on this server yet; it arrives with a coming release.
        </p>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="notice">
        <p>Your role does not give access to this page. Ask an admin if you need it.</p>
      </div>
    );
  }
  return (
    <div className="notice error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
