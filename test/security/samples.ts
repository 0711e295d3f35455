import { randomBytes } from 'node:crypto';
import type { TestServer } from '../support/server.ts';

/**
 * One valid create body per API collection, used by the workspace-isolation test to create a real
 * resource in workspace A and then attack it from workspace B through every route that takes its id.
 * Every collection with a POST route must have an entry: the isolation test fails on a missing one.
 */
export interface Sample {
  /** A fresh valid body for POST <collection>. */
  body: () => Record<string, unknown>;
  /** Where the new resource's id is in the 201 response (default: body.id). */
  idOf?: (response: any) => string;
  /** For resources that need others first (an outbox message needs a channel): creates them and returns the body. */
  prepare?: (server: TestServer, token: string) => Promise<Record<string, unknown>>;
}

const unique = () => randomBytes(4).toString('hex');

export const SAMPLES: Record<string, Sample> = {
  '/api/v1/users': {
    body: () => ({ email: `sample-${unique()}@samples.test`, name: 'Sample User', role: 'agent', password: 'sample password' }),
    idOf: (response) => response.user.id,
  },
  '/api/v1/teams': { body: () => ({ name: `Team ${unique()}`, kind: 'support' }) },
  '/api/v1/tokens': { body: () => ({ name: `token ${unique()}` }), idOf: (response) => response.apiToken.id },
  '/api/v1/contacts': { body: () => ({ name: 'Sample Contact', emails: [`contact-${unique()}@samples.test`], lifecycleStage: 'prospect' }) },
  '/api/v1/accounts': { body: () => ({ name: `Account ${unique()}`, domains: [`${unique()}.samples.test`] }) },
  '/api/v1/deals': { body: () => ({ title: `Deal ${unique()}`, amount: '1250.00', currency: 'EUR' }) },
  '/api/v1/identities': { body: () => ({ channel: 'x', externalId: `x-${unique()}`, handle: `@sample_${unique()}`, displayName: 'Sample Identity' }) },
  '/api/v1/posts': { body: () => ({ channel: 'x', externalId: `post-${unique()}`, text: 'sample post about the product', postedAt: '2026-01-01T10:00:00.000Z' }) },
  '/api/v1/conversations': { body: () => ({ channel: 'x', subject: `Conversation ${unique()}` }) },
  '/api/v1/channels': { body: () => ({ type: 'webhook', name: `Hook ${unique()}`, settings: { secret: `sample-secret-${unique()}-${unique()}` } }) },
  '/api/v1/segments': { body: () => ({ name: `Segment ${unique()}`, definition: { match: 'all', conditions: [{ field: 'lifecycleStage', in: ['customer'] }] } }) },
  '/api/v1/webhook-subscriptions': { body: () => ({ url: `https://example.com/hooks/${unique()}`, description: 'Sample integration' }) },
  '/api/v1/listening-queries': { body: () => ({ name: `Query ${unique()}`, keywords: ['acme'] }) },
  '/api/v1/outbox': {
    body: () => ({ channelId: '00000000-0000-4000-8000-000000000000', text: 'Our spring collection is here' }),
    async prepare(server, token) {
      const channel = await server.request('POST', '/api/v1/channels', {
        token,
        body: { type: 'webhook', name: `Outbound ${unique()}`, settings: { secret: `sample-secret-${unique()}-${unique()}`, replyUrl: 'https://example.com/replies' } },
      });
      return { channelId: channel.body.id, text: 'Our spring collection is here' };
    },
  },
};
