import { describe, expect, it } from 'vitest';
import { asChannelError, ChannelError, channelErrorFromResponse } from './driver.ts';
import { XApiError } from './x/x.api.ts';

const now = new Date('2026-11-23T10:00:00Z');
const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });

describe('channel error vocabulary', () => {
  it('reads an X API 429 with x-rate-limit-reset as rate_limited until the reset', () => {
    const reset = String(now.getTime() / 1000 + 900);
    const error = channelErrorFromResponse('X API', answer(429, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset }), '{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}', now);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 900, status: 429 });
    expect(error.message).toBe('X API answered 429: Too Many Requests');
  });

  it('reads Meta Graph error 190 (OAuthException), sent with HTTP 400, as auth', () => {
    const body = '{"error":{"message":"Error validating access token: Session has expired on Monday, 23-Nov-26 09:00:00 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCdEf"}}';
    const error = channelErrorFromResponse('Graph API', answer(400), body, now, 'on /v21.0/me/messages');
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('Graph API answered 400 on /v21.0/me/messages: Error validating access token: Session has expired on Monday, 23-Nov-26 09:00:00 PST.');
  });

  it('reads Meta throttling codes as rate_limited, with the wait from x-business-use-case-usage', () => {
    const usage = JSON.stringify({ '112233': [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 7 }] });
    const error = channelErrorFromResponse('Graph API', answer(400, { 'x-business-use-case-usage': usage }), '{"error":{"message":"(#80001) There have been too many calls to this Page account.","type":"OAuthException","code":80001}}', now);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 420 });
    expect(channelErrorFromResponse('Graph API', answer(400), '{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}', now).kind).toBe('permanent');
    expect(channelErrorFromResponse('Graph API', answer(500), '{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1,"is_transient":true}}', now).kind).toBe('transient');
  });

  it('reads a Mastodon 401 as auth and a 422 as permanent, in the platform\'s words', () => {
    const error = channelErrorFromResponse('Mastodon', answer(401), '{"error":"The access token is invalid"}', now);
    expect(error).toMatchObject({ kind: 'auth', message: 'Mastodon answered 401: The access token is invalid' });
    expect(channelErrorFromResponse('Mastodon', answer(422), '{"error":"Validation failed: Text character limit of 500 exceeded"}', now).kind).toBe('permanent');
  });

  it('maps statuses when the body says nothing: 5xx transient, 429 rate_limited with Retry-After, 404 permanent', () => {
    expect(channelErrorFromResponse('Reddit', answer(503), '<html>busy</html>', now)).toMatchObject({ kind: 'transient', message: 'Reddit answered 503: <html>busy</html>' });
    expect(channelErrorFromResponse('Reddit', answer(429, { 'retry-after': '30' }), '', now)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30 });
    expect(channelErrorFromResponse('Reddit', answer(404), '{"message":"Not Found","error":404}', now).kind).toBe('permanent');
    expect(channelErrorFromResponse('Reddit', answer(403), '{"message":"Forbidden"}', now).kind).toBe('auth');
  });

  it('tells an X 403 for a refused app (auth) from one for a refused post (permanent)', () => {
    expect(new XApiError(403, 'Client Forbidden: This request must be made using an approved developer account').kind).toBe('auth');
    expect(new XApiError(403, 'Forbidden: You are not allowed to create a Tweet with duplicate content.').kind).toBe('permanent');
    expect(new XApiError(401, 'Unauthorized').kind).toBe('auth');
    expect(new XApiError(429, 'Too Many Requests', 60)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 60 });
  });

  it('classifies anything thrown: ChannelErrors as they are, errors with a status by it, network failures as transient', () => {
    const config = new ChannelError('config', 'no bearerToken');
    expect(asChannelError(config)).toBe(config);
    expect(asChannelError(Object.assign(new Error('gone'), { status: 410 })).kind).toBe('permanent');
    expect(asChannelError(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })).kind).toBe('transient');
    expect(asChannelError(Object.assign(new Error('blocked 10.0.0.1'), { name: 'BlockedAddressError' })).kind).toBe('config');
  });
});
