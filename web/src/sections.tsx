import { formatDate, isRecord, list, text, type Item } from './api.ts';
import { Attachments } from './attachments.tsx';
import type { Column, Filter } from './ListPage.tsx';

/** One entry of the left navigation and the API list it shows. */
export interface Section {
  path: string;
  label: string;
  description: string;
  /** List endpoint probed to hide the entry on 403; absent for pages that are always there. */
  endpoint?: string;
  adminOnly?: boolean;
  filter?: Filter;
  columns?: Column[];
  empty?: string;
}

/** First non-empty field among several candidate paths: APIs still being built may name a field either way. */
export function first(item: Item, ...paths: string[]): string {
  for (const path of paths) {
    const value = text(item, path);
    if (value) return value;
  }
  return '';
}

const when = (path: string): Column => ({ label: 'Created', render: (item) => <time dateTime={text(item, path)}>{formatDate(text(item, path))}</time> });
const search = (placeholder: string): Filter => ({ param: 'q', label: 'Search', placeholder });
const joined = (item: Item, key: string) => list(item, key).filter((v) => typeof v === 'string').join(', ');

function author(item: Item) {
  const a = item['author'];
  if (!isRecord(a)) return <span className="muted">unknown</span>;
  const handle = text(a, 'handle');
  return (
    <>
      {text(a, 'displayName') || handle}
      {handle ? <span className="muted"> @{handle.replace(/^@/, '')}</span> : null}
    </>
  );
}

function Badge({ value }: { value: string }) {
  return value ? <span className={`badge badge-${value.replace(/[^a-z_]/gi, '')}`}>{value.replace(/_/g, ' ')}</span> : null;
}

export const SECTIONS: Section[] = [
  { path: '/', label: 'Overview', description: 'Where things stand in this workspace.' },
  {
    path: '/inbox',
    label: 'Inbox',
    description: 'Conversations that need a human, best first.',
    endpoint: '/api/v1/conversations',
    empty: 'No conversations yet. They appear here as channels bring them in.',
    columns: [
      { label: 'Conversation', wide: true, render: (item) => first(item, 'subject', 'title', 'lastMessage.text', 'preview', 'text') || <span className="muted">(no text)</span> },
      { label: 'Channel', render: (item) => first(item, 'channel') },
      { label: 'Status', render: (item) => <Badge value={first(item, 'status')} /> },
      { label: 'Priority', render: (item) => first(item, 'priority.score', 'priority') },
      { label: 'Updated', render: (item) => formatDate(first(item, 'lastActivityAt', 'updatedAt', 'createdAt')) },
    ],
  },
  {
    path: '/posts',
    label: 'Posts',
    description: 'Everything heard on the connected channels.',
    endpoint: '/api/v1/posts',
    filter: search('Words in the post…'),
    empty: 'No posts yet. Connect a channel or import a file to start listening.',
    columns: [
      { label: 'Author', render: author },
      {
        label: 'Post',
        wide: true,
        render: (item) => (
          <>
            {text(item, 'text')}
            <Attachments post={item} />
          </>
        ),
      },
      { label: 'Channel', render: (item) => text(item, 'channel') },
      { label: 'Sentiment', render: (item) => <Badge value={text(item, 'analysis.sentiment.label')} /> },
      { label: 'Intent', render: (item) => <Badge value={text(item, 'analysis.intent')} /> },
      when('createdAt'),
    ],
  },
  {
    path: '/contacts',
    label: 'Contacts',
    description: 'The people behind the conversations.',
    endpoint: '/api/v1/contacts',
    filter: search('Name, email, city…'),
    empty: 'No contacts yet. Create one above, or import a CSV with the townhall CLI.',
    columns: [
      { label: 'Name', render: (item) => first(item, 'name', 'firstName') || <span className="muted">(no name)</span> },
      { label: 'Email', render: (item) => joined(item, 'emails') || first(item, 'email') },
      { label: 'Place', render: (item) => [text(item, 'city'), text(item, 'country')].filter(Boolean).join(', ') },
      { label: 'Stage', render: (item) => <Badge value={text(item, 'lifecycleStage')} /> },
      when('createdAt'),
    ],
  },
  {
    path: '/accounts',
    label: 'Accounts',
    description: 'Companies and organisations.',
    endpoint: '/api/v1/accounts',
    filter: search('Name or domain…'),
    empty: 'No accounts yet.',
    columns: [
      { label: 'Name', render: (item) => text(item, 'name') },
      { label: 'Domain', render: (item) => first(item, 'domain', 'website') || joined(item, 'domains') },
      { label: 'Industry', render: (item) => text(item, 'industry') },
      when('createdAt'),
    ],
  },
  {
    path: '/deals',
    label: 'Deals',
    description: 'Open opportunities and their outcome.',
    endpoint: '/api/v1/deals',
    filter: search('Deal title…'),
    empty: 'No deals yet.',
    columns: [
      { label: 'Title', wide: true, render: (item) => text(item, 'title') },
      { label: 'Amount', render: (item) => [text(item, 'amount'), text(item, 'currency')].filter(Boolean).join(' ') },
      { label: 'Stage', render: (item) => text(item, 'stage') },
      { label: 'Status', render: (item) => <Badge value={text(item, 'status')} /> },
      { label: 'Close date', render: (item) => text(item, 'closeDate') },
    ],
  },
  {
    path: '/identities',
    label: 'Identities',
    description: 'Social handles and the contacts they resolve to.',
    endpoint: '/api/v1/identities',
    filter: search('Handle or name…'),
    empty: 'No social identities yet. They are created as posts come in.',
    columns: [
      { label: 'Handle', render: (item) => first(item, 'handle', 'externalId') },
      { label: 'Name', render: (item) => text(item, 'displayName') },
      { label: 'Channel', render: (item) => text(item, 'channel') },
      {
        label: 'Contact link',
        render: (item) => {
          const status = text(item, 'link.status');
          if (!text(item, 'contactId') && !status) return <span className="muted">not linked</span>;
          const score = item['link'] && isRecord(item['link']) ? item['link']['score'] : undefined;
          return (
            <>
              <Badge value={status || 'linked'} />
              {typeof score === 'number' ? <span className="muted"> {Math.round(score * 100)}%</span> : null}
            </>
          );
        },
      },
    ],
  },
  {
    path: '/teams',
    label: 'Teams',
    description: 'Who works together on what.',
    endpoint: '/api/v1/teams',
    empty: 'No teams yet.',
    columns: [
      { label: 'Name', render: (item) => text(item, 'name') },
      { label: 'Kind', render: (item) => text(item, 'kind') },
      { label: 'Members', render: (item) => String(list(item, 'members').length) },
      { label: 'Description', wide: true, render: (item) => text(item, 'description') },
      when('createdAt'),
    ],
  },
  { path: '/users', label: 'Users', description: 'People who can sign in, and their roles.', endpoint: '/api/v1/users', adminOnly: true },
  {
    path: '/audit',
    label: 'Audit log',
    description: 'Who did what, and when.',
    endpoint: '/api/v1/audit',
    adminOnly: true,
    filter: { param: 'action', label: 'Action', placeholder: 'e.g. user.created' },
    empty: 'Nothing recorded yet.',
    columns: [
      { label: 'When', render: (item) => <time dateTime={text(item, 'createdAt')}>{formatDate(text(item, 'createdAt'))}</time> },
      { label: 'Action', render: (item) => <code>{text(item, 'action')}</code> },
      { label: 'Target', render: (item) => [text(item, 'targetType'), text(item, 'targetId')].filter(Boolean).join(' ') },
      { label: 'Actor', render: (item) => (text(item, 'actorUserId') ? `user ${text(item, 'actorUserId')}` : text(item, 'actorTokenId') ? `token ${text(item, 'actorTokenId')}` : 'system') },
      { label: 'IP', render: (item) => text(item, 'ip') },
    ],
  },
  { path: '/tokens', label: 'API tokens', description: 'Tokens for scripts and integrations.' },
  { path: '/webhooks', label: 'Webhooks', description: "The pipeline's events, signed, sent to your systems.", endpoint: '/api/v1/webhook-subscriptions' },
];
