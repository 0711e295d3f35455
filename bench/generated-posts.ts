/** Generated posts the benches share: texts and X API v2 search responses shaped like ../shared/fixtures/x. */

const words = 'router wifi delivery refund support app update battery screen price contract love broken great slow fast why when help thanks'.split(' ');
export const textOf = (i: number) => `${words[i % words.length]} ${words[(i * 7) % words.length]} ${words[(i * 13) % words.length]} #acme post ${i} @acme_help`;

/** One X API v2 search response: 100 tweets with includes.users, three in four replying within a conversation. */
export function xResponseLine(page: number): string {
  const data = [];
  const users = new Map<string, unknown>();
  for (let j = 0; j < 100; j++) {
    const i = page * 100 + j;
    const authorId = String(1_000_000 + (i % 10_000));
    users.set(authorId, { id: authorId, username: `acct${i % 10_000}`, name: `Account ${i % 10_000}`, verified: false, public_metrics: { followers_count: i % 3000, following_count: 10, tweet_count: 5, listed_count: 0 } });
    data.push({
      id: String(1_500_000_000_000_000_000n + BigInt(i)),
      text: textOf(i),
      author_id: authorId,
      created_at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      conversation_id: String(1_500_000_000_000_000_000n + BigInt(i - (i % 4))),
      lang: 'en',
      public_metrics: { retweet_count: i % 5, reply_count: i % 3, like_count: i % 11, quote_count: 0 },
      entities: { hashtags: [{ start: 0, end: 5, tag: 'acme' }] },
      ...(i % 4 !== 0 ? { referenced_tweets: [{ type: 'replied_to', id: String(1_500_000_000_000_000_000n + BigInt(i - 1)) }] } : {}),
    });
  }
  return JSON.stringify({ data, includes: { users: [...users.values()] }, meta: { result_count: 100 } });
}
