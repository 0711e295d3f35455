import { discourseDriver } from './discourse/discourse.driver.ts';
import { emailDriver } from './email/email.driver.ts';
import { rssDriver } from './rss/rss.driver.ts';
import { youtubeDriver } from './youtube/youtube.driver.ts';
import { blueskyDriver } from './bluesky/bluesky.driver.ts';
import { csvDriver } from './csv/csv.driver.ts';
import type { ChannelDriver } from './driver.ts';
import { jsonlDriver } from './jsonl/jsonl.driver.ts';
import { mastodonDriver } from './mastodon/mastodon.driver.ts';
import { metaDriver } from './meta/meta.driver.ts';
import { redditDriver } from './reddit/reddit.driver.ts';
import { webhookDriver } from './webhook/webhook.driver.ts';
import { xDriver } from './x/x.driver.ts';

/** Every channel driver by type. Adding a channel: its folder plus one line here. */
const DRIVERS: ChannelDriver[] = [webhookDriver, jsonlDriver, csvDriver, metaDriver, mastodonDriver, redditDriver, xDriver, blueskyDriver, rssDriver, discourseDriver, youtubeDriver, emailDriver];

const BY_TYPE = new Map(DRIVERS.map((driver) => [driver.type, driver]));

export function driverFor(type: string): ChannelDriver | undefined {
  return BY_TYPE.get(type);
}

export function channelTypes(): string[] {
  return [...BY_TYPE.keys()];
}
