import { useState } from 'react';
import { api } from '../api.ts';
import { Field, FormError, useSubmit } from '../forms.tsx';
import { ListPage } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

/** Contacts: search the list and create a contact by hand. */
export function ContactsPage({ section, canWrite }: { section: Section; canWrite: boolean }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    const trimmed = email.trim();
    await api('POST', '/api/v1/contacts', trimmed ? { name: name.trim(), emails: [trimmed] } : { name: name.trim() });
    setName('');
    setEmail('');
    setReloadKey((n) => n + 1);
  });
  return (
    <ListPage title={section.label} endpoint="/api/v1/contacts" columns={section.columns ?? []} empty={section.empty ?? ''} filter={section.filter} reloadKey={reloadKey}>
      {canWrite ? (
        <form className="card create" onSubmit={onSubmit} aria-label="Create a contact">
          <h2>New contact</h2>
          <div className="row">
            <Field label="Name">
              <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Email (optional)">
              <input type="email" maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create contact'}
            </button>
          </div>
          <FormError error={error} />
        </form>
      ) : null}
    </ListPage>
  );
}
