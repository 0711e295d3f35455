import { Type } from 'typebox';
import type { ChannelDriver } from '../driver.ts';
import { parseJetstreamEvent } from './bluesky.parse.ts';
import { DEFAULT_PDS_URL, sendOnBluesky } from './bluesky.send.ts';
import { DEFAULT_JETSTREAM_ENDPOINT, runJetstream } from './jetstream.ts';
import { DEFAULT_APPVIEW_URL } from './profiles.ts';

const did = Type.String({ pattern: '^did:[a-z]+:[A-Za-z0-9._:%-]+$' });

/**
 * Bluesky: listening on Jetstream (WebSocket, cursor resume in microseconds), replies and posts via
 * the account's PDS. See docs/channels/bluesky.md.
 */
export const blueskyDriver: ChannelDriver = {
  type: 'bluesky',
  label: 'Bluesky',
  settingsSchema: Type.Object(
    {
      endpoint: Type.Optional(Type.String({ pattern: '^wss?://', description: `Jetstream instance (default ${DEFAULT_JETSTREAM_ENDPOINT})` })),
      wantedCollections: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100, description: 'Collections to subscribe to (default posts, likes, reposts)' })),
      wantedDids: Type.Optional(Type.Array(did, { maxItems: 10_000, description: 'Only events from these accounts (filtered by Jetstream)' })),
      keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500, description: 'Keep only posts holding one of these words or hashtags (and what relates to them)' })),
      watchDids: Type.Optional(Type.Array(did, { maxItems: 10_000, description: 'Keep posts by, replying to, quoting or mentioning these accounts, and likes/reposts of their posts' })),
      appViewUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: `AppView asked for the handles and names of authors known by DID only (default ${DEFAULT_APPVIEW_URL})` })),
      did: Type.Optional(did),
      pdsUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: `The account's PDS for sending (default ${DEFAULT_PDS_URL})` })),
      identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Handle or DID of the account that sends' })),
      appPassword: Type.Optional(Type.String({ minLength: 1, description: 'App password of that account' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['appPassword'],
  receivesWebhooks: false,
  importFraming: 'lines',
  parse(payload, connection) {
    const own = connection?.settings['did'];
    return parseJetstreamEvent(payload.body, typeof own === 'string' ? { ownDid: own } : {});
  },
  stream: runJetstream,
  send: sendOnBluesky,
};
