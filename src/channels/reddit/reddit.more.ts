/**
 * Reddit `more` stubs: the collapsed parts of a comment tree. A stub with child ids is expanded with
 * GET /api/morechildren (at most 100 ids per call); a stub without ids (count 0, id "_") is Reddit's
 * "continue this thread" link, read as the subtree under its parent: /comments/<post>.json?comment=<id>.
 * Formats: reddit.com/dev/api#GET_api_morechildren, reddit.com/dev/api#GET_comments_{article}.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** One `more` stub, with the post (link) its comments belong to. */
export interface MoreStub {
  /** Fullname of the post (t3_…) the tree belongs to. */
  linkId: string;
  /** Fullname of the comment or post the hidden comments hang under. */
  parentId: string;
  /** Base-36 ids of the hidden comments; empty for "continue this thread". */
  children: string[];
  /** True for "continue this thread" (id "_", count 0, no children): needs the subtree under parentId. */
  continueThread: boolean;
}

/** Ids per /api/morechildren call (Reddit's limit). */
export const MORECHILDREN_MAX_IDS = 100;

function fromListingChildren(children: unknown[], linkId: string | null, found: MoreStub[], depth: number): void {
  if (depth > 200) return;
  for (const child of children) {
    if (!isRecord(child) || !isRecord(child['data'])) continue;
    const data = child['data'];
    if (child['kind'] === 't3') linkId = str(data['name']) ?? (str(data['id']) ? `t3_${String(data['id'])}` : linkId);
    else if (child['kind'] === 't1') {
      const replies = data['replies'];
      if (isRecord(replies) && isRecord(replies['data']) && Array.isArray(replies['data']['children'])) fromListingChildren(replies['data']['children'], str(data['link_id']) ?? linkId, found, depth + 1);
    } else if (child['kind'] === 'more') {
      const parentId = str(data['parent_id']);
      const ids = Array.isArray(data['children']) ? data['children'].filter((id): id is string => typeof id === 'string' && /^[a-z0-9]+$/i.test(id)) : [];
      if (!linkId || !parentId) continue;
      const continueThread = ids.length === 0 && (data['id'] === '_' || data['count'] === 0) && parentId.startsWith('t1_');
      if (ids.length > 0 || continueThread) found.push({ linkId, parentId, children: ids, continueThread });
    }
  }
}

/**
 * Pure: the `more` stubs in a Reddit answer (a Listing, the comments endpoint's pair, or a
 * /api/morechildren answer). `linkId` is the post for answers that do not name it in the stubs' context.
 */
export function moreStubs(body: string, linkId: string | null = null): MoreStub[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return [];
  }
  const found: MoreStub[] = [];
  const things = isRecord(doc) && isRecord(doc['json']) && isRecord(doc['json']['data']) ? doc['json']['data']['things'] : null;
  if (Array.isArray(things)) {
    // morechildren answers are flat: a t1's link_id names the post for the stubs next to it.
    const named = things.find((t): t is Json => isRecord(t) && isRecord(t['data']) && typeof t['data']['link_id'] === 'string');
    fromListingChildren(things, linkId ?? (named && isRecord(named['data']) ? str(named['data']['link_id']) : null), found, 0);
    return found;
  }
  let link = linkId;
  for (const listing of Array.isArray(doc) ? doc : [doc]) {
    if (!isRecord(listing) || !isRecord(listing['data']) || !Array.isArray(listing['data']['children'])) continue;
    const children = listing['data']['children'];
    const post = children.find((c): c is Json => isRecord(c) && c['kind'] === 't3');
    if (post && isRecord(post['data'])) link = str(post['data']['name']) ?? link;
    fromListingChildren(children, link, found, 0);
  }
  return found;
}

/** Splits ids into /api/morechildren batches of at most 100. */
export function idBatches(ids: string[], size = MORECHILDREN_MAX_IDS): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return batches;
}
