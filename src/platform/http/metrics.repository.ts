import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Pending and dead intake payloads, pending and failed outbox messages: both use partial or status indexes. */
export async function queueDepths(db: Kysely<Database>): Promise<{ queue: string; status: string; count: number }[]> {
  const result = await sql<{ queue: string; status: string; count: number }>`
    select 'intake' as queue, 'pending' as status, count(*)::int as count from raw_intake where status = 'pending'
    union all select 'intake', 'dead', count(*)::int from raw_intake where status = 'dead'
    union all select 'outbox', status, count(*)::int from outbox where status in ('pending', 'sending', 'failed') group by status`.execute(db);
  return result.rows;
}
