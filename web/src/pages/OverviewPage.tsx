import type { Me } from '../api.ts';
import { Link } from '../router.tsx';
import type { Section } from '../sections.tsx';
import type { Availability } from '../Shell.tsx';

const STATUS_TEXT: Record<Availability, string> = { ok: 'Open', pending: 'Checking…', missing: 'Not available yet', forbidden: 'No access', error: 'Could not be reached' };

/** The landing page: a greeting and one card per section this user can open. */
export function OverviewPage({ me, workspace, sections, availability }: { me: Me; workspace: string; sections: Section[]; availability: Record<string, Availability> }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">Welcome, {me.name}</h1>
      <p className="lead">{workspace ? `This is the ${workspace} workspace.` : 'Your workspace at a glance.'} Pick a place to start.</p>
      <ul className="cards">
        {sections
          .filter((s) => s.path !== '/')
          .map((s) => {
            const status = availability[s.path] ?? 'ok';
            return (
              <li key={s.path} className={`card overview-card status-${status}`}>
                <h2>
                  <Link to={s.path}>{s.label}</Link>
                </h2>
                <p>{s.description}</p>
                {status !== 'ok' ? <p className="muted small">{STATUS_TEXT[status]}</p> : null}
              </li>
            );
          })}
      </ul>
    </section>
  );
}
