import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, DummyDriver } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/schema.ts';
import { compileSegment } from '../../src/segments/segments.compile.ts';

const db = new Kysely<Database>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() },
});

describe('compileSegment', () => {
  it('binds every user value as a parameter, never in the SQL text', () => {
    const evil = "x'); drop table contacts; --";
    const query = db
      .selectFrom('contacts')
      .select('id')
      .where(
        compileSegment(
          {
            match: 'any',
            conditions: [
              { field: 'custom', key: evil, equals: evil },
              { field: 'country', in: [evil] },
              { field: 'city', in: [evil] },
              { field: 'channel', in: [evil] },
              { field: 'topic', any: [evil], days: 7 },
              { field: 'deal', stage: evil, pipeline: evil },
              { field: 'sentiment', days: 30, op: 'below', value: -0.25 },
              { field: 'influence', minFollowers: 1000 },
              { field: 'lifecycleStage', in: ['customer'] },
            ],
          },
          new Date('2026-03-01T00:00:00Z'),
        ),
      )
      .compile();
    expect(query.sql).not.toContain('drop table');
    expect(query.parameters.filter((p) => p === evil || p === evil.toLowerCase()).length).toBeGreaterThanOrEqual(7);
    expect(query.parameters).toContainEqual(new Date('2026-02-22T00:00:00Z'));
    expect(query.parameters).toContain(-0.25);
    expect(query.sql).toMatch(/ or /);
  });

  it('anchors day windows on the given now, so the result is a pure function of its inputs', () => {
    const definition = { conditions: [{ field: 'sentiment' as const, days: 1, op: 'above' as const, value: 0 }] };
    const at = (now: string) => db.selectFrom('contacts').select('id').where(compileSegment(definition, new Date(now))).compile();
    expect(at('2026-01-02T00:00:00Z').parameters).toContainEqual(new Date('2026-01-01T00:00:00Z'));
    expect(at('2026-01-02T00:00:00Z')).toEqual(at('2026-01-02T00:00:00Z'));
  });
});
