import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findContact } from './contacts.repository.ts';
import {
  followerReach,
  intentCounts,
  lastContact,
  openConversations,
  profileIdentities,
  sentimentByWeek,
  topTopics,
  type CountRow,
  type LastContactRow,
  type OpenConversationRow,
  type ProfileIdentityRow,
  type SentimentWeekRow,
} from './profile.repository.ts';

export const PROFILE_WEEKS = 52;
export const PROFILE_TOPICS = 10;
export const PROFILE_OPEN_CONVERSATIONS = 20;

export interface ContactProfile {
  contactId: string;
  identities: ProfileIdentityRow[];
  reach: number;
  sentiment: SentimentWeekRow[];
  topics: CountRow[];
  intents: CountRow[];
  last: LastContactRow;
  openConversations: OpenConversationRow[];
}

/** The social profile of a contact of the workspace, every figure aggregated by the database. */
export async function contactProfile(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ContactProfile> {
  if (!(await findContact(db, workspaceId, contactId))) throw errors.notFound('contact');
  const [identities, reach, sentiment, topics, intents, last, open] = await Promise.all([
    profileIdentities(db, workspaceId, contactId),
    followerReach(db, workspaceId, contactId),
    sentimentByWeek(db, workspaceId, contactId, PROFILE_WEEKS),
    topTopics(db, workspaceId, contactId, PROFILE_TOPICS),
    intentCounts(db, workspaceId, contactId),
    lastContact(db, workspaceId, contactId),
    openConversations(db, workspaceId, contactId, PROFILE_OPEN_CONVERSATIONS),
  ]);
  return { contactId, identities, reach, sentiment, topics, intents, last, openConversations: open };
}
