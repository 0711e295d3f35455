import { retryAfterSeconds } from '../backoff.ts';
import { ChannelError, type ConnectionView, type DriverRuntime, type OutboundMessage } from '../driver.ts';
import { apiUrl, errorDetail, writeToken, XApiError } from './x.api.ts';
import { child, isRecord, nonEmpty } from '../json-read.ts';

/** The request body for POST /2/tweets (reply or new post). */
export function tweetRequestBody(message: OutboundMessage): Record<string, unknown> {
  if (message.kind === 'reply') {
    const target = message.inReplyTo?.externalId;
    if (!target) throw new ChannelError('permanent', 'a reply on X needs the id of the post it answers');
    return { text: message.text, reply: { in_reply_to_tweet_id: target } };
  }
  return { text: message.text };
}

/**
 * Sends on X with the user-context token: replies and posts through POST /2/tweets, private messages
 * through POST /2/dm_conversations/with/:participant_id/messages. Failures throw XApiError (with the
 * wait X asked for on 429) so the outbox can retry.
 */
export async function sendOnX(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  let url: URL;
  let body: Record<string, unknown>;
  if (message.kind === 'message') {
    const participant = message.inReplyTo?.authorExternalId;
    if (!participant) throw new ChannelError('permanent', 'a private message on X needs the recipient user id');
    url = apiUrl(connection, `/2/dm_conversations/with/${encodeURIComponent(participant)}/messages`);
    body = { text: message.text };
  } else {
    url = apiUrl(connection, '/2/tweets');
    body = tweetRequestBody(message);
  }
  const response = await runtime.fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${writeToken(connection)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new XApiError(response.status, errorDetail(text), retryAfterSeconds(response.headers, runtime.now()));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new XApiError(response.status, 'answer is not JSON');
  }
  const data = isRecord(parsed) ? child(parsed, 'data') : {};
  const id = message.kind === 'message' ? nonEmpty(data['dm_event_id']) : nonEmpty(data['id']);
  if (!id) throw new XApiError(response.status, 'answer has no id');
  return { externalId: message.kind === 'message' ? `dm:${id}` : id };
}
