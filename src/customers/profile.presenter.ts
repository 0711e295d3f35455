import type { Static } from 'typebox';
import type { ContactProfile as Profile } from './profile.service.ts';
import type { ContactProfile } from './profile.schema.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The social profile as the API shows it; lastContactAt is the latest of the three activity times. */
export function presentProfile(profile: Profile): Static<typeof ContactProfile> {
  const times = [profile.last.last_inbound_at, profile.last.last_outbound_at, profile.last.last_conversation_activity_at].filter((t): t is Date => t !== null);
  const latest = times.length > 0 ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
  return {
    contactId: profile.contactId,
    identities: profile.identities.map((i) => ({ id: i.id, channel: i.channel, handle: i.handle, displayName: i.display_name, profileUrl: i.profile_url, followers: i.followers, verified: i.verified })),
    reach: profile.reach,
    sentiment: profile.sentiment.map((w) => ({ week: w.week, count: w.count, averageScore: Math.round(w.average * 1000) / 1000, positive: w.positive, neutral: w.neutral, negative: w.negative })),
    topics: profile.topics.map((t) => ({ topic: t.value, count: t.count })),
    intents: profile.intents.map((t) => ({ intent: t.value, count: t.count })),
    lastInboundAt: iso(profile.last.last_inbound_at),
    lastOutboundAt: iso(profile.last.last_outbound_at),
    lastConversationActivityAt: iso(profile.last.last_conversation_activity_at),
    lastContactAt: iso(latest),
    openConversations: profile.openConversations.map((c) => ({
      id: c.id,
      channel: c.channel,
      subject: c.subject,
      status: c.status,
      priority: c.priority,
      assigneeId: c.assignee_id,
      lastActivityAt: c.last_activity_at.toISOString(),
    })),
  };
}
