import { useEffect, useRef, useState } from 'react';
import { api, ApiError, getPage, isRecord, text, type Me } from './api.ts';
import { Failure, ListPage } from './ListPage.tsx';
import { ContactsPage } from './pages/ContactsPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { TeamsPage } from './pages/TeamsPage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { WebhooksPage } from './pages/WebhooksPage.tsx';
import { Link, usePath } from './router.tsx';
import { SECTIONS, type Section } from './sections.tsx';

/** What probing a section's list API found: hidden on 403, "not available yet" on 404. */
export type Availability = 'pending' | 'ok' | 'missing' | 'forbidden' | 'error';

function availabilityOf(error: unknown): Availability {
  if (error instanceof ApiError && error.status === 404) return 'missing';
  if (error instanceof ApiError && error.status === 403) return 'forbidden';
  return 'error';
}

/** The signed-in app: header, left navigation and the current page. */
export function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const path = usePath();
  const [workspace, setWorkspace] = useState('');
  const [availability, setAvailability] = useState<Record<string, Availability>>({});
  const [menuOpen, setMenuOpen] = useState(false);
  const isAdmin = me.role === 'admin';
  const allowed = SECTIONS.filter((s) => !s.adminOnly || isAdmin);

  useEffect(() => {
    api('GET', '/api/v1/workspace').then(
      (data) => setWorkspace(isRecord(data) ? text(data, 'name') : ''),
      () => setWorkspace(''),
    );
    for (const section of SECTIONS) {
      if (!section.endpoint || (section.adminOnly && me.role !== 'admin')) continue;
      const { path: key, endpoint } = section;
      setAvailability((prev) => ({ ...prev, [key]: 'pending' }));
      getPage(endpoint, { limit: '1' }).then(
        () => setAvailability((prev) => ({ ...prev, [key]: 'ok' })),
        (error: unknown) => setAvailability((prev) => ({ ...prev, [key]: availabilityOf(error) })),
      );
    }
  }, [me.role]);

  // After in-app navigation, move focus to the new page so keyboard and screen-reader users land on it.
  const firstRender = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) firstRender.current = false;
    else document.getElementById('main')?.focus();
  }, [path]);

  const visible = allowed.filter((s) => availability[s.path] !== 'forbidden');
  const current = SECTIONS.find((s) => s.path === path);

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((open) => !open)}>
          Menu
        </button>
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <span className="brand-name">Townhall</span>
          {workspace ? <span className="workspace" title="Workspace">{workspace}</span> : null}
        </div>
        <div className="who">
          <span className="who-name">{me.name}</span>
          <span className="badge role">{me.role}</span>
          <button type="button" className="ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
          <ul>
            {visible.map((s) => (
              <li key={s.path}>
                <Link to={s.path} current={s.path === path}>
                  {s.label}
                  {availability[s.path] === 'missing' ? <span className="soon"> soon</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {current && allowed.includes(current) ? (
            <Page key={current.path} section={current} me={me} workspace={workspace} sections={visible} availability={availability} />
          ) : current ? (
            <section className="page">
              <h1>{current.label}</h1>
              <Failure error={new ApiError(403, 'forbidden', 'Only admins can open this page.')} />
            </section>
          ) : (
            <section className="page">
              <h1>Page not found</h1>
              <p>
                There is no page at this address. <Link to="/">Go to the overview</Link>.
              </p>
            </section>
          )}
        </main>
      </div>
    </div>
  );
}

interface PageProps {
  section: Section;
  me: Me;
  workspace: string;
  sections: Section[];
  availability: Record<string, Availability>;
}

function Page({ section, me, workspace, sections, availability }: PageProps) {
  useEffect(() => {
    document.title = `${section.label} · Townhall`;
  }, [section.label]);
  switch (section.path) {
    case '/':
      return <OverviewPage me={me} workspace={workspace} sections={sections} availability={availability} />;
    case '/teams':
      return <TeamsPage section={section} canManage={me.role === 'admin' || me.role === 'manager'} />;
    case '/contacts':
      return <ContactsPage section={section} canWrite={me.role !== 'analyst'} />;
    case '/users':
      return <UsersPage section={section} meId={me.id} />;
    case '/tokens':
      return <TokensPage section={section} />;
    case '/webhooks':
      return <WebhooksPage section={section} />;
    default:
      return <ListPage title={section.label} endpoint={section.endpoint ?? ''} columns={section.columns ?? []} empty={section.empty ?? ''} filter={section.filter} />;
  }
}
