import type { EngagementKind, PostKind } from '../platform/db/schema.ts';

/**
 * The canonical shapes every channel driver produces from its native payloads. Drivers are pure:
 * native payload in, canonical items out; the pipeline does all I/O.
 */

/** One social identity: a network handle as the platform describes it. */
export interface CanonicalIdentity {
  channel: string;
  /** The platform's stable id (X user id, Bluesky DID, Mastodon account URI, email address, phone number). */
  externalId: string;
  handle?: string | null;
  displayName?: string | null;
  profileUrl?: string | null;
  avatarUrl?: string | null;
  bio?: string | null;
  location?: string | null;
  language?: string | null;
  followers?: number | null;
  following?: number | null;
  verified?: boolean | null;
}

export interface GeoPoint {
  lat?: number;
  lon?: number;
  place?: string;
  country?: string;
}

/** What kind of media a post carries; `file` is any document (PDF, archive), `location` a shared place. */
export type AttachmentType = 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'location';

/**
 * Metadata of one piece of media on a post, as the platform describes it. Townhall keeps the metadata
 * only (never downloads the media): a post with only a photo still says what it holds.
 */
export interface Attachment {
  type: AttachmentType;
  /** Where the platform serves the media (or its preview); some platforms need a token to fetch it. */
  url?: string | null;
  mimeType?: string | null;
  /** Alt text or caption. */
  alt?: string | null;
  /** File name, sticker name or place name. */
  name?: string | null;
  sizeBytes?: number | null;
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  /** A location's coordinates. */
  lat?: number | null;
  lon?: number | null;
}

/** The canonical social post (PRODUCT.md): one row in `posts`, idempotent by (workspace, channel, externalId). */
export interface CanonicalPost {
  channel: string;
  externalId: string;
  author: CanonicalIdentity | null;
  kind: PostKind;
  direction: 'in' | 'out';
  visibility: 'public' | 'private';
  text: string;
  /** ISO 639-1 when the platform states it. */
  language?: string | null;
  /** ISO 8601 time the platform gives for the post. */
  postedAt: string;
  parentExternalId?: string | null;
  threadExternalId?: string | null;
  quotedExternalId?: string | null;
  mentions?: string[];
  hashtags?: string[];
  links?: string[];
  metrics?: Record<string, number>;
  url?: string | null;
  geo?: GeoPoint | null;
  /** Set when the payload is an edit of an existing post. */
  editedAt?: string | null;
  /** Media the post carries (metadata only), in the platform's order. */
  attachments?: Attachment[];
}

/** What one native payload turns into. */
export type ParsedItem =
  | { type: 'post'; post: CanonicalPost }
  | { type: 'delete'; channel: string; externalId: string; at: string }
  | {
      type: 'engagement';
      channel: string;
      /** The engagement's own id (e.g. the like record), so a re-delivery counts once. */
      externalId: string;
      targetExternalId: string;
      kind: EngagementKind;
      actor: CanonicalIdentity | null;
      at: string;
      /** True when the engagement is withdrawn (unlike, un-repost). */
      removed?: boolean;
    }
  | { type: 'identity'; identity: CanonicalIdentity };

export interface ParseResult {
  items: ParsedItem[];
  /** Parts of the payload that were understood to be irrelevant (keep-alives, unsupported events), for the intake log. */
  skipped?: string[];
}

/** A payload that cannot be parsed: the intake row goes to the dead-letter state with this reason. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}
