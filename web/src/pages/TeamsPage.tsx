import { useState } from 'react';
import { api } from '../api.ts';
import { Field, FormError, useSubmit } from '../forms.tsx';
import { ListPage } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

const KINDS = ['support', 'sales', 'marketing', 'pr', 'product', 'community', 'other'] as const;

/** Teams: the list, and a create form for roles that may manage teams (the API answers 403 otherwise). */
export function TeamsPage({ section, canManage }: { section: Section; canManage: boolean }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>('support');
  const { busy, error, onSubmit } = useSubmit(async () => {
    await api('POST', '/api/v1/teams', { name: name.trim(), kind });
    setName('');
    setReloadKey((n) => n + 1);
  });
  return (
    <ListPage title={section.label} endpoint="/api/v1/teams" columns={section.columns ?? []} empty={section.empty ?? ''} reloadKey={reloadKey}>
      {canManage ? (
        <form className="card create" onSubmit={onSubmit} aria-label="Create a team">
          <h2>New team</h2>
          <div className="row">
            <Field label="Name">
              <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Kind">
              <select value={kind} onChange={(e) => setKind(e.target.value)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create team'}
            </button>
          </div>
          <FormError error={error} />
        </form>
      ) : null}
    </ListPage>
  );
}
