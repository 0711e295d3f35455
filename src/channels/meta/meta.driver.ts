import { Type } from 'typebox';
import { ChannelError, channelErrorFromResponse, type ChannelDriver, type ConnectionView, type DriverRuntime, type InboundRequest, type OutboundMessage, type WebhookVerdict } from '../driver.ts';
import { hmacSha256Hex, safeEqual, verifySha256Header } from '../signatures.ts';
import { enrichMetaPayload } from './meta.enrich.ts';
import { DEFAULT_GRAPH_BASE_URL, parseMetaWebhook } from './meta.parse.ts';

export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

function graphBaseOf(settings: Record<string, unknown>): string {
  const base = settings['graphBaseUrl'];
  return (typeof base === 'string' && base ? base : DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
}

/**
 * Subscription handshake (GET with hub.* query) and signed deliveries (POST with X-Hub-Signature-256
 * over the raw body). Both comparisons run in constant time.
 */
export function verifyMetaWebhook(request: InboundRequest, connection: Pick<ConnectionView, 'secrets'>): WebhookVerdict {
  if (request.method === 'GET') {
    const challenge = request.query['hub.challenge'] ?? '';
    const token = request.query['hub.verify_token'] ?? '';
    const expected = connection.secrets['verifyToken'] ?? '';
    const ok = request.query['hub.mode'] === 'subscribe' && expected !== '' && safeEqual(token, expected) && challenge !== '' && challenge.length <= 512;
    return ok
      ? { kind: 'respond', status: 200, contentType: 'text/plain; charset=utf-8', body: challenge }
      : { kind: 'respond', status: 403, contentType: 'text/plain; charset=utf-8', body: 'verification failed' };
  }
  if (request.method !== 'POST') return { kind: 'reject', status: 401, reason: 'only the GET handshake and signed POST deliveries are accepted' };
  const ok = verifySha256Header(request.headers[META_SIGNATURE_HEADER], connection.secrets['appSecret'] ?? '', request.rawBody);
  return ok ? { kind: 'accept' } : { kind: 'reject', status: 401, reason: `missing or wrong ${META_SIGNATURE_HEADER}` };
}

/** Where a reply goes, decided from the ids and thread keys the parser produced. */
export type MetaTarget =
  | { kind: 'facebook-comment'; objectId: string }
  | { kind: 'instagram-reply'; commentId: string }
  | { kind: 'messenger'; recipientId: string }
  | { kind: 'whatsapp'; phoneNumberId: string; to: string; contextMessageId: string | null }
  | { kind: 'page-feed'; pageId: string };

/** A WhatsApp business-scoped user id: country code, optional `ENT.` (parent id), then an alphanumeric id. */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]+$/;

/** Pure: picks the Graph API endpoint for an outbound message. Throws when the target cannot be told. */
export function metaTargetOf(message: OutboundMessage, settings: Record<string, unknown>): MetaTarget {
  const setting = (key: string) => (typeof settings[key] === 'string' && settings[key] !== '' ? String(settings[key]) : null);
  if (message.kind === 'publish' && !message.inReplyTo) {
    const pageId = setting('pageId');
    if (!pageId) throw new ChannelError('config', 'publishing on Meta needs settings.pageId');
    return { kind: 'page-feed', pageId };
  }
  const target = message.inReplyTo;
  if (!target) throw new ChannelError('permanent', 'a Meta reply needs the post it answers');
  const [prefix, owner, person] = (target.threadExternalId ?? '').split(':').map((part) => part || null);
  if (prefix === 'whatsapp' || target.externalId.startsWith('wamid.')) {
    const phoneNumberId = (prefix === 'whatsapp' && owner && owner !== 'number' ? owner : null) ?? setting('phoneNumberId');
    const to = (prefix === 'whatsapp' ? person : null) ?? target.authorExternalId ?? null;
    if (!phoneNumberId || !to) throw new ChannelError('permanent', 'a WhatsApp reply needs the business phone number id and the customer wa_id');
    return { kind: 'whatsapp', phoneNumberId, to, contextMessageId: target.externalId.startsWith('wamid.') ? target.externalId : null };
  }
  if (prefix === 'messenger' || prefix === 'instagram-dm') {
    const recipientId = person ?? target.authorExternalId ?? null;
    if (!recipientId) throw new ChannelError('permanent', 'a Messenger reply needs the person id');
    return { kind: 'messenger', recipientId };
  }
  // Facebook object ids are "<owner>_<id>"; Instagram comment ids are plain numbers.
  if (target.externalId.includes('_')) return { kind: 'facebook-comment', objectId: target.externalId };
  return { kind: 'instagram-reply', commentId: target.externalId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function graphPost(runtime: DriverRuntime, connection: ConnectionView, path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const token = connection.secrets['accessToken'];
  if (!token) throw new ChannelError('config', 'sending on Meta needs the accessToken secret');
  const url = new URL(`${graphBaseOf(connection.settings)}/${path}`);
  // appsecret_proof lets the app require that every call comes from a holder of the app secret.
  const appSecret = connection.secrets['appSecret'];
  if (appSecret) url.searchParams.set('appsecret_proof', hmacSha256Hex(appSecret, token));
  const response = await runtime.fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; reported below by status
  }
  if (!response.ok) {
    throw channelErrorFromResponse('Graph API', response, text, runtime.now(), `on ${url.pathname}`);
  }
  if (!isRecord(parsed)) throw new Error(`Graph API answered ${url.pathname} without a JSON object`);
  return parsed;
}

function idFrom(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Sends a reply or message through the Graph API endpoint each Meta platform documents. */
export async function sendMeta(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const target = metaTargetOf(message, connection.settings);
  let id: string | null;
  switch (target.kind) {
    case 'facebook-comment':
      id = idFrom((await graphPost(runtime, connection, `${encodeURIComponent(target.objectId)}/comments`, { message: message.text }))['id']);
      break;
    case 'instagram-reply':
      id = idFrom((await graphPost(runtime, connection, `${encodeURIComponent(target.commentId)}/replies`, { message: message.text }))['id']);
      break;
    case 'page-feed':
      id = idFrom((await graphPost(runtime, connection, `${encodeURIComponent(target.pageId)}/feed`, { message: message.text }))['id']);
      break;
    case 'messenger':
      id = idFrom(
        (await graphPost(runtime, connection, 'me/messages', { recipient: { id: target.recipientId }, messaging_type: 'RESPONSE', message: { text: message.text } }))['message_id'],
      );
      break;
    case 'whatsapp': {
      const result = await graphPost(runtime, connection, `${encodeURIComponent(target.phoneNumberId)}/messages`, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        // A BSUID (`US.1349…`, the customer's only id when their number is hidden) goes in `recipient`.
        ...(BSUID.test(target.to) ? { recipient: target.to } : { to: target.to }),
        type: 'text',
        text: { preview_url: false, body: message.text },
        ...(target.contextMessageId ? { context: { message_id: target.contextMessageId } } : {}),
      });
      const messages = Array.isArray(result['messages']) ? result['messages'] : [];
      id = isRecord(messages[0]) ? idFrom(messages[0]['id']) : null;
      break;
    }
  }
  if (!id) throw new Error(`Graph API did not return the id of the ${target.kind} it created`);
  return { externalId: id };
}

const Secret = (description: string) => Type.String({ minLength: 1, maxLength: 512, description });
const Id = (description: string) => Type.Optional(Type.String({ pattern: '^[0-9A-Za-z_.-]{1,64}$', description }));

/**
 * Meta: Facebook Page feed and mentions, Messenger, Instagram comments and mentions, and WhatsApp
 * Cloud API, all delivered as signed webhooks to one URL per connection (docs/channels/meta.md).
 * `enrich` looks up the text of Instagram mentions (meta.enrich.ts); the pipeline calls it before
 * parsing a stored delivery and stores what it returns as a payload of its own (src/pipeline/enrich.ts).
 */
export const metaDriver: ChannelDriver = {
  type: 'meta',
  label: 'Meta (Facebook, Instagram, Messenger, WhatsApp)',
  settingsSchema: Type.Object(
    {
      appSecret: Secret('App secret: checks X-Hub-Signature-256 on every delivery'),
      verifyToken: Secret('Verify token you enter in the App Dashboard for the hub.challenge handshake'),
      accessToken: Type.Optional(Secret('Page / system-user access token used to send replies')),
      appId: Id('Meta app id'),
      pageId: Id('Facebook Page id (for publishing to the Page feed)'),
      instagramAccountId: Id('Instagram professional account id'),
      phoneNumberId: Id('WhatsApp business phone number id (default sender)'),
      wabaId: Id('WhatsApp Business Account id'),
      graphBaseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 200, description: `Graph API base URL (default ${DEFAULT_GRAPH_BASE_URL})` })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['appSecret', 'verifyToken', 'accessToken'],
  receivesWebhooks: true,
  importFraming: 'document',
  parse(payload, connection) {
    const base = connection?.settings['graphBaseUrl'];
    return parseMetaWebhook(payload.body, typeof base === 'string' && base ? { graphBaseUrl: base } : {});
  },
  verifyWebhook: verifyMetaWebhook,
  send: sendMeta,
  enrich: enrichMetaPayload,
};
