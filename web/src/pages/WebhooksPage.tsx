import { useEffect, useState } from 'react';
import { api, errorMessage, formatDate, getPage, isRecord, list, text, type Item } from '../api.ts';
import { Field, FormError, ShownOnce, useSubmit } from '../forms.tsx';
import { ListPage, type Column } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

const BASE = '/api/v1/webhook-subscriptions';
/** The event types of src/events/events.ts an integrator can pick. */
const EVENT_TYPES = ['post.stored', 'post.updated', 'post.deleted', 'engagement.changed', 'identity.linked', 'intake.dead'];

const path = (item: Item, suffix = '') => `${BASE}/${encodeURIComponent(text(item, 'id'))}${suffix}`;

/** Outbound webhooks: subscribe a URL to the pipeline's events, see the secret once, the delivery log, ping, re-enable. */
export function WebhooksPage({ section }: { section: Section }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Item | null>(null);
  const reload = () => setReloadKey((n) => n + 1);

  const { busy, error, onSubmit } = useSubmit(async () => {
    const result = await api('POST', BASE, { url: url.trim(), eventTypes: types, ...(description.trim() ? { description: description.trim() } : {}) });
    if (isRecord(result)) {
      setSecret({ label: 'Signing secret', value: text(result, 'secret') });
      setSelected(result);
    }
    setUrl('');
    setDescription('');
    setTypes([]);
    reload();
  });

  const act = async (item: Item, action: () => Promise<void>) => {
    setRowError(null);
    try {
      await action();
    } catch (caught) {
      setRowError(`${text(item, 'url')}: ${errorMessage(caught)}`);
    }
    reload();
  };

  const ping = (item: Item) =>
    act(item, async () => {
      await api('POST', path(item, '/ping'));
      setSelected(item);
    });
  const enable = (item: Item) => act(item, async () => void (await api('POST', path(item, '/enable'))));
  const rotate = (item: Item) =>
    act(item, async () => {
      if (!window.confirm(`Replace the signing secret of ${text(item, 'url')}? The receiver must switch to the new one; deliveries signed with the old one stop verifying.`)) return;
      const result = await api('POST', path(item, '/rotate-secret'));
      if (isRecord(result)) setSecret({ label: 'New signing secret', value: text(result, 'secret') });
    });
  const remove = (item: Item) =>
    act(item, async () => {
      if (!window.confirm(`Delete the webhook to ${text(item, 'url')} and its delivery log?`)) return;
      await api('DELETE', path(item));
      if (selected && text(selected, 'id') === text(item, 'id')) setSelected(null);
    });

  const columns: Column[] = [
    {
      label: 'Endpoint',
      wide: true,
      render: (item) => (
        <>
          <code>{text(item, 'url')}</code>
          {text(item, 'description') ? <div className="muted">{text(item, 'description')}</div> : null}
        </>
      ),
    },
    { label: 'Events', render: (item) => list(item, 'eventTypes').filter((v) => typeof v === 'string').join(', ') || <span className="muted">all</span> },
    {
      label: 'Status',
      render: (item) => (
        <>
          <span className={`badge badge-${text(item, 'status')}`}>{text(item, 'status')}</span>
          {text(item, 'disabledReason') ? <div className="error">{text(item, 'disabledReason')}</div> : null}
        </>
      ),
    },
    {
      label: 'Last delivery',
      render: (item) =>
        text(item, 'lastDelivery.status') ? (
          <>
            {text(item, 'lastDelivery.status')}
            {text(item, 'lastDelivery.httpStatus') ? ` (HTTP ${text(item, 'lastDelivery.httpStatus')})` : ''}
            <div className="muted">{formatDate(text(item, 'lastDelivery.at'))}</div>
          </>
        ) : (
          <span className="muted">none yet</span>
        ),
    },
    {
      label: 'Actions',
      render: (item) => (
        <div className="actions">
          <button type="button" onClick={() => setSelected(item)} aria-label={`Deliveries of ${text(item, 'url')}`}>
            Deliveries
          </button>
          {text(item, 'status') === 'disabled' ? (
            <button type="button" onClick={() => void enable(item)} aria-label={`Enable ${text(item, 'url')}`}>
              Enable
            </button>
          ) : (
            <button type="button" onClick={() => void ping(item)} aria-label={`Ping ${text(item, 'url')}`}>
              Ping
            </button>
          )}
          <button type="button" onClick={() => void rotate(item)} aria-label={`Rotate the secret of ${text(item, 'url')}`}>
            Rotate secret
          </button>
          <button type="button" className="danger" onClick={() => void remove(item)} aria-label={`Delete ${text(item, 'url')}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  const toggle = (type: string) => setTypes((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));

  return (
    <>
      <ListPage title={section.label} endpoint={BASE} columns={columns} empty="No webhooks yet." reloadKey={reloadKey}>
        <p className="lead">
          Townhall POSTs the pipeline's events as signed JSON to your endpoints. Verify the <code>Townhall-Signature</code> header with the signing secret (see docs/WEBHOOKS.md).
        </p>
        <form className="card create" onSubmit={onSubmit} aria-label="Add a webhook">
          <h2>New webhook</h2>
          <div className="row">
            <Field label="Endpoint URL" hint="https; the receiver answers 2xx within 10 seconds.">
              <input type="url" required maxLength={2000} placeholder="https://example.com/townhall-events" value={url} onChange={(e) => setUrl(e.target.value)} />
            </Field>
            <Field label="Description">
              <input maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
            </Field>
          </div>
          <fieldset className="choices">
            <legend>Events (none ticked: all of them)</legend>
            {EVENT_TYPES.map((type) => (
              <label key={type}>
                <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} /> <code>{type}</code>
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>
            {busy ? 'Adding…' : 'Add webhook'}
          </button>
          <FormError error={error} />
        </form>
        {secret ? <ShownOnce label={secret.label} value={secret.value} note="Copy it into your receiver's configuration now." onDismiss={() => setSecret(null)} /> : null}
        <FormError error={rowError} />
      </ListPage>
      {selected ? <DeliveryLog subscription={selected} reloadKey={reloadKey} onRefresh={reload} /> : null}
    </>
  );
}

type LogState = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; items: Item[]; nextCursor: string | null };

/** The delivery log of one subscription, newest first, with redelivery. */
function DeliveryLog({ subscription, reloadKey, onRefresh }: { subscription: Item; reloadKey: number; onRefresh: () => void }) {
  const [state, setState] = useState<LogState>({ kind: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const endpoint = path(subscription, '/deliveries');

  useEffect(() => {
    let current = true;
    getPage(endpoint, {}).then(
      (page) => current && setState({ kind: 'ready', items: page.items, nextCursor: page.nextCursor }),
      (caught: unknown) => current && setState({ kind: 'failed', message: errorMessage(caught) }),
    );
    return () => {
      current = false;
    };
  }, [endpoint, reloadKey]);

  const more = async () => {
    if (state.kind !== 'ready' || !state.nextCursor) return;
    try {
      const page = await getPage(endpoint, { cursor: state.nextCursor });
      setState({ kind: 'ready', items: [...state.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const redeliver = async (delivery: Item) => {
    setError(null);
    try {
      await api('POST', `${endpoint}/${encodeURIComponent(text(delivery, 'id'))}/redeliver`);
    } catch (caught) {
      setError(errorMessage(caught));
    }
    onRefresh();
  };

  return (
    <section className="page deliveries" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">
        Deliveries to <code>{text(subscription, 'url')}</code>
      </h2>
      <button type="button" onClick={onRefresh}>
        Refresh
      </button>
      <FormError error={error} />
      {state.kind === 'loading' ? <p role="status" className="muted">Loading…</p> : null}
      {state.kind === 'failed' ? <p role="alert" className="error">{state.message}</p> : null}
      {state.kind === 'ready' && state.items.length === 0 ? <p className="empty">Nothing sent yet. Send a ping to try the endpoint.</p> : null}
      {state.kind === 'ready' && state.items.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Delivery log">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">When</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((delivery) => (
                <tr key={text(delivery, 'id')}>
                  <td data-label="Event">
                    <code>{text(delivery, 'eventType')}</code>
                  </td>
                  <td data-label="Status">
                    <span className={`badge badge-${text(delivery, 'status')}`}>{text(delivery, 'status')}</span>
                    {text(delivery, 'nextAttemptAt') ? <div className="muted">next try {formatDate(text(delivery, 'nextAttemptAt'))}</div> : null}
                  </td>
                  <td data-label="Attempts">{text(delivery, 'attempts')}</td>
                  <td data-label="Last answer" className="wide">
                    {text(delivery, 'lastStatus') ? `HTTP ${text(delivery, 'lastStatus')}` : text(delivery, 'lastError') ? '' : <span className="muted">none yet</span>}
                    {text(delivery, 'lastDurationMs') ? <span className="muted"> in {text(delivery, 'lastDurationMs')} ms</span> : null}
                    {text(delivery, 'lastError') ? <div className="error">{text(delivery, 'lastError')}</div> : null}
                    {text(delivery, 'lastResponseExcerpt') ? <pre className="excerpt">{text(delivery, 'lastResponseExcerpt')}</pre> : null}
                  </td>
                  <td data-label="When">{formatDate(text(delivery, 'lastAttemptAt') || text(delivery, 'createdAt'))}</td>
                  <td data-label="Actions">
                    <button type="button" onClick={() => void redeliver(delivery)} aria-label={`Redeliver ${text(delivery, 'eventType')} ${text(delivery, 'id')}`}>
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {state.kind === 'ready' && state.nextCursor ? (
        <button type="button" className="more" onClick={() => void more()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
