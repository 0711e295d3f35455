import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { ConditionT, SegmentDefinitionT } from './segments.schema.ts';

/** A condition over the `contacts` table, for `query.where(...)`. */
export type ContactWhere = (eb: ExpressionBuilder<Database, 'contacts'>) => Expression<SqlBool>;

const DAY_MS = 86_400_000;
const textArray = (values: readonly string[]) => sql<string[]>`array[${sql.join(values.map((v) => sql.val(v)))}]::text[]`;

/**
 * Compiles a segment definition into a Kysely where-builder over `contacts`. Every user value is a
 * bound parameter; the only raw SQL is fixed JSON paths. Pure: `now` anchors the day windows, so
 * routing and analytics can evaluate the same segment at any moment. An empty definition matches
 * every contact.
 */
export function compileSegment(definition: SegmentDefinitionT, now: Date = new Date()): ContactWhere {
  return (eb) => {
    const parts = definition.conditions.map((condition) => compileCondition(eb, condition, now));
    if (parts.length === 0) return eb.lit(true);
    return definition.match === 'any' ? eb.or(parts) : eb.and(parts);
  };
}

/** Posts written through any identity of the outer contact. */
function contactPosts(eb: ExpressionBuilder<Database, 'contacts'>) {
  return eb
    .selectFrom('posts')
    .innerJoin('social_identities as si', (join) => join.onRef('si.id', '=', 'posts.author_identity_id').onRef('si.workspace_id', '=', 'posts.workspace_id'))
    .whereRef('si.contact_id', '=', 'contacts.id')
    .whereRef('posts.workspace_id', '=', 'contacts.workspace_id')
    .where('posts.deleted_at', 'is', null);
}

function compileCondition(eb: ExpressionBuilder<Database, 'contacts'>, condition: ConditionT, now: Date): Expression<SqlBool> {
  switch (condition.field) {
    case 'lifecycleStage':
      return eb('contacts.lifecycle_stage', 'in', condition.in);
    case 'country':
      return eb(eb.fn('lower', ['contacts.country']), 'in', condition.in.map((v) => v.toLowerCase()));
    case 'city':
      return eb(eb.fn('lower', ['contacts.city']), 'in', condition.in.map((v) => v.toLowerCase()));
    case 'custom':
      return eb(sql<string>`${sql.ref('contacts.custom')} ->> ${sql.val(condition.key)}`, '=', String(condition.equals));
    case 'channel':
      return eb.exists(
        eb
          .selectFrom('social_identities as si')
          .select(eb.lit(1).as('one'))
          .whereRef('si.contact_id', '=', 'contacts.id')
          .whereRef('si.workspace_id', '=', 'contacts.workspace_id')
          .where('si.channel', 'in', condition.in.map((c) => c.toLowerCase())),
      );
    case 'influence':
      return eb.exists(
        eb
          .selectFrom('social_identities as si')
          .select(eb.lit(1).as('one'))
          .whereRef('si.contact_id', '=', 'contacts.id')
          .whereRef('si.workspace_id', '=', 'contacts.workspace_id')
          .where('si.followers', '>=', condition.minFollowers),
      );
    case 'deal': {
      let deals = eb.selectFrom('deals').select(eb.lit(1).as('one')).whereRef('deals.contact_id', '=', 'contacts.id').whereRef('deals.workspace_id', '=', 'contacts.workspace_id');
      if (condition.stage !== undefined) deals = deals.where('deals.stage', '=', condition.stage);
      if (condition.status !== undefined) deals = deals.where('deals.status', '=', condition.status);
      if (condition.pipeline !== undefined) deals = deals.where('deals.pipeline', '=', condition.pipeline);
      return eb.exists(deals);
    }
    case 'topic': {
      let posts = contactPosts(eb)
        .select(eb.lit(1).as('one'))
        .where(sql<boolean>`coalesce(${sql.ref('posts.analysis')} -> 'topics', '[]'::jsonb) ?| ${textArray(condition.any)}`);
      if (condition.days !== undefined) posts = posts.where('posts.posted_at', '>=', new Date(now.getTime() - condition.days * DAY_MS));
      return eb.exists(posts);
    }
    case 'sentiment': {
      const score = sql<number>`(${sql.ref('posts.analysis')} -> 'sentiment' ->> 'score')::double precision`;
      const average = contactPosts(eb)
        .select(sql<number>`avg(${score})`.as('average'))
        .where('posts.posted_at', '>=', new Date(now.getTime() - condition.days * DAY_MS))
        .where(sql<boolean>`jsonb_typeof(${sql.ref('posts.analysis')} -> 'sentiment' -> 'score') = 'number'`);
      return eb(average, condition.op === 'above' ? '>' : '<', condition.value);
    }
  }
}
