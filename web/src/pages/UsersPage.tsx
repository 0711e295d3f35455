import { useState } from 'react';
import { api, errorMessage, formatDate, isRecord, ROLES, text, type Item, type Role } from '../api.ts';
import { Field, FormError, ShownOnce, useSubmit } from '../forms.tsx';
import { ListPage, type Column } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

/** Users (admins): create a user (the one-time password is shown once), change roles. */
export function UsersPage({ section, meId }: { section: Section; meId: string }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const { busy, error, onSubmit } = useSubmit(async () => {
    const result = await api('POST', '/api/v1/users', { email: email.trim(), name: name.trim(), role });
    const password = isRecord(result) ? text(result, 'oneTimePassword') : '';
    setCreated(password ? { email: email.trim(), password } : null);
    setEmail('');
    setName('');
    setReloadKey((n) => n + 1);
  });

  const changeRole = async (item: Item, next: string) => {
    setRowError(null);
    try {
      await api('PATCH', `/api/v1/users/${encodeURIComponent(text(item, 'id'))}`, { role: next });
      setReloadKey((n) => n + 1);
    } catch (caught) {
      setRowError(`${text(item, 'name')}: ${errorMessage(caught)}`);
      setReloadKey((n) => n + 1);
    }
  };

  const columns: Column[] = [
    { label: 'Name', render: (item) => text(item, 'name') },
    { label: 'Email', render: (item) => text(item, 'email') },
    {
      label: 'Role',
      render: (item) => (
        <select aria-label={`Role of ${text(item, 'name')}`} value={text(item, 'role')} disabled={text(item, 'id') === meId} onChange={(e) => void changeRole(item, e.target.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      ),
    },
    { label: 'Status', render: (item) => text(item, 'status') },
    { label: 'Last sign-in', render: (item) => formatDate(text(item, 'lastLoginAt')) || <span className="muted">never</span> },
  ];

  return (
    <ListPage title={section.label} endpoint="/api/v1/users" columns={columns} empty="No users yet." filter={{ param: 'q', label: 'Search', placeholder: 'Name or email…' }} reloadKey={reloadKey}>
      <form className="card create" onSubmit={onSubmit} aria-label="Create a user">
        <h2>New user</h2>
        <div className="row">
          <Field label="Name">
            <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Email">
            <input required type="email" maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label="Role">
            <select value={role} onChange={(e) => setRole(ROLES.find((r) => r === e.target.value) ?? 'agent')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
        <FormError error={error} />
        {created ? (
          <ShownOnce
            label={`One-time password for ${created.email}`}
            value={created.password}
            note="Give it to them privately; they choose their own password at first sign-in."
            onDismiss={() => setCreated(null)}
          />
        ) : null}
      </form>
      <FormError error={rowError} />
    </ListPage>
  );
}
