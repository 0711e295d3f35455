/**
 * The analysis filters of GET /api/v1/posts without scanning a workspace's posts, and the "needs
 * attention" mark of a channel connection.
 *
 * Sentiment, intent and language have few values, each shared by many posts: a btree per filter that
 * ends in (posted_at desc, id desc) walks one value's posts in list order, so a page stops after
 * `limit` rows whatever the value's share. Topics and entities are many values, each on few posts:
 * GIN over the arrays (jsonb_path_ops, the containment `@>` the filter asks). The expressions are
 * exactly those of src/posts/posts.repository.ts; the planner only uses an expression index for the
 * same expression. The listening query filter uses post_query_matches' primary key and query index.
 *
 * A connection whose platform refused its credentials (ChannelError kind 'auth', src/channels/driver.ts)
 * keeps running but carries the reason and since when; updating its credentials or a successful call
 * clears it. GET /api/v1/channels shows it as status 'needs_attention'.
 */
export const postFiltersAndChannelAttention: string[] = [
  `create index posts_sentiment_idx on posts (workspace_id, (analysis -> 'sentiment' ->> 'label'), posted_at desc, id desc)`,
  `create index posts_intent_idx on posts (workspace_id, (analysis ->> 'intent'), posted_at desc, id desc)`,
  `create index posts_language_idx on posts (workspace_id, language, posted_at desc, id desc)`,
  `create index posts_topics_idx on posts using gin ((analysis -> 'topics') jsonb_path_ops)`,
  `create index posts_entities_idx on posts using gin ((analysis -> 'entities') jsonb_path_ops)`,
  `alter table channel_connections add column attention_reason text, add column attention_at timestamptz`,
];
