/**
 * Indexes for a contact's history (src/customers/sql.ts contactPostCtes): the brand's replies are
 * found by their parent post, outbox messages by the post they answer and by the platform id they
 * were sent as; and the contacts import matches phones with `phones && array[...]`. Without them
 * each of these lookups scans every post, outbox message or contact of the workspace.
 */
export const contactHistoryIndexes: string[] = [
  `create index posts_parent_idx on posts (parent_id) where parent_id is not null`,
  `create index outbox_reply_idx on outbox (in_reply_to_post_id) where in_reply_to_post_id is not null`,
  `create index outbox_sent_idx on outbox (channel_connection_id, external_id) where external_id is not null`,
  `create index contacts_phones_idx on contacts using gin (phones)`,
];
