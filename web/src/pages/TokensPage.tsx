import { useState } from 'react';
import { api, errorMessage, formatDate, isRecord, text, type Item } from '../api.ts';
import { Field, FormError, ShownOnce, useSubmit } from '../forms.tsx';
import { ListPage, type Column } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

/** API tokens of the signed-in user: create (the secret is shown once), list, revoke. */
export function TokensPage({ section }: { section: Section }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const { busy, error, onSubmit } = useSubmit(async () => {
    const result = await api('POST', '/api/v1/tokens', { name: name.trim() });
    setCreated(isRecord(result) ? text(result, 'token') || null : null);
    setName('');
    setReloadKey((n) => n + 1);
  });

  const revoke = async (item: Item) => {
    if (!window.confirm(`Revoke the token “${text(item, 'name')}”? Anything using it stops working.`)) return;
    setRowError(null);
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(text(item, 'id'))}`);
    } catch (caught) {
      setRowError(errorMessage(caught));
    }
    setReloadKey((n) => n + 1);
  };

  const columns: Column[] = [
    { label: 'Name', render: (item) => text(item, 'name') },
    { label: 'Starts with', render: (item) => <code>{text(item, 'prefix')}…</code> },
    { label: 'Created', render: (item) => formatDate(text(item, 'createdAt')) },
    { label: 'Last used', render: (item) => formatDate(text(item, 'lastUsedAt')) || <span className="muted">never</span> },
    { label: 'Expires', render: (item) => formatDate(text(item, 'expiresAt')) || <span className="muted">never</span> },
    {
      label: 'Status',
      render: (item) =>
        text(item, 'revokedAt') ? (
          <span className="badge">revoked</span>
        ) : (
          <button type="button" className="danger" onClick={() => void revoke(item)} aria-label={`Revoke ${text(item, 'name')}`}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <ListPage title={section.label} endpoint="/api/v1/tokens" columns={columns} empty="You have no API tokens yet." reloadKey={reloadKey}>
      <p className="lead">Tokens act as you, with your role. Scripts send one in the <code>Authorization: Bearer</code> header.</p>
      <form className="card create" onSubmit={onSubmit} aria-label="Create an API token">
        <h2>New token</h2>
        <div className="row">
          <Field label="Token name">
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
        <p className="hint">Name it after what will use it, e.g. “nightly export”.</p>
        <FormError error={error} />
        {created ? <ShownOnce label="Your new API token" value={created} note="Copy it now and keep it somewhere safe." onDismiss={() => setCreated(null)} /> : null}
      </form>
      <FormError error={rowError} />
    </ListPage>
  );
}
