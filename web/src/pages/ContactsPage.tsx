import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Field, FormError, useSubmit } from '../forms.tsx';
import { ListPage } from '../ListPage.tsx';
import type { Section } from '../sections.tsx';

/**
 * Contacts: search the list and create a contact by hand. An email another contact holds is refused
 * (409 duplicate_email); the page then says whose it is and offers to create the contact anyway, for an
 * address a family shares.
 */
export function ContactsPage({ section, canWrite }: { section: Section; canWrite: boolean }) {
  const [reloadKey, setReloadKey] = useState(0);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const create = async (allowDuplicateEmail: boolean) => {
    const trimmed = email.trim();
    try {
      await api('POST', '/api/v1/contacts', { name: name.trim(), ...(trimmed ? { emails: [trimmed] } : {}), ...(allowDuplicateEmail ? { allowDuplicateEmail } : {}) });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'duplicate_email') {
        setDuplicate(caught.message);
        return;
      }
      throw caught;
    }
    setDuplicate(null);
    setName('');
    setEmail('');
    setReloadKey((n) => n + 1);
  };
  const submit = useSubmit(() => create(false));
  const anyway = useSubmit(() => create(true));
  const busy = submit.busy || anyway.busy;
  return (
    <ListPage title={section.label} endpoint="/api/v1/contacts" columns={section.columns ?? []} empty={section.empty ?? ''} filter={section.filter} reloadKey={reloadKey}>
      {canWrite ? (
        <form className="card create" onSubmit={submit.onSubmit} aria-label="Create a contact">
          <h2>New contact</h2>
          <div className="row">
            <Field label="Name">
              <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Email (optional)">
              <input
                type="email"
                maxLength={320}
                value={email}
                onChange={(e) => {
                  setEmail(e.target.value);
                  setDuplicate(null);
                }}
              />
            </Field>
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create contact'}
            </button>
          </div>
          {duplicate ? (
            <div role="alert" className="error">
              <p>{duplicate}</p>
              <button type="button" disabled={busy} onClick={anyway.onSubmit}>
                Create anyway: the address is shared
              </button>
            </div>
          ) : null}
          <FormError error={submit.error ?? anyway.error} />
        </form>
      ) : null}
    </ListPage>
  );
}
