import { Type } from 'typebox';
import type { ChannelDriver } from '../driver.ts';
import { DEFAULT_API_BASE_URL } from './x.api.ts';
import { parseXPayload } from './x.parse.ts';
import { pollRecentSearch } from './x.search.ts';
import { sendOnX } from './x.send.ts';
import { runFilteredStream } from './x.stream.ts';
import { verifyXWebhook } from './x.webhook.ts';

/**
 * X (API v2): recent-search polling (settings.query), the filtered stream (settings.stream with
 * settings.rules), Account Activity webhooks (CRC + signed POSTs), replies, posts and DMs.
 * See docs/channels/x.md.
 */
export const xDriver: ChannelDriver = {
  type: 'x',
  label: 'X (Twitter)',
  settingsSchema: Type.Object(
    {
      apiBaseUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: `API base URL (default ${DEFAULT_API_BASE_URL})` })),
      query: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Recent search query polled with since_id (e.g. "@acme OR #acme -is:retweet")' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400, description: 'Seconds between search polls (default 60)' })),
      stream: Type.Optional(Type.Boolean({ description: 'Hold the filtered stream for this connection' })),
      rules: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 1000, description: 'Filtered-stream rules this connection owns (tagged townhall:<id>); omitted: the app rules are left as they are' })),
      userId: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: "The brand account's own user id: its posts are stored as outbound" })),
      bearerToken: Type.Optional(Type.String({ minLength: 1, description: 'App-only bearer token (search, stream, rules)' })),
      userAccessToken: Type.Optional(Type.String({ minLength: 1, description: 'OAuth 2.0 user-context token for posting (tweet.write, dm.write)' })),
      consumerSecret: Type.Optional(Type.String({ minLength: 1, description: 'App consumer secret: CRC answers and webhook signatures' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['bearerToken', 'userAccessToken', 'consumerSecret'],
  receivesWebhooks: true,
  importFraming: 'lines',
  parse(payload, connection) {
    const userId = connection?.settings['userId'];
    return parseXPayload(payload.body, typeof userId === 'string' ? { ownUserId: userId } : {});
  },
  verifyWebhook: verifyXWebhook,
  poll: pollRecentSearch,
  stream: runFilteredStream,
  send: sendOnX,
};
