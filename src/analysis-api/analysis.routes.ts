import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth.plugin.ts';
import { createAnalyzerSource } from '../pipeline/analyzer.ts';
import type { AppContext } from '../platform/context.ts';
import { errorResponses, typed } from '../platform/http/schemas.ts';
import { getAnalysisConfig, presentConfig, promoteTopic, saveAnalysisConfig } from './analysis-config.service.ts';
import {
  AnalysisConfigBody,
  AnalysisConfigView,
  CampaignsQuery,
  CampaignsResult,
  EmergingQuery,
  EmergingTopicsResult,
  PromoteTopicBody,
  PromoteTopicResult,
  ReanalyzeBody,
  ReanalyzeResult,
} from './analysis.schema.ts';
import { findCampaigns } from './campaigns.service.ts';
import { emergingTopics } from './emerging.service.ts';
import { reanalyzePosts } from './reanalyze.service.ts';

/** Analysis: per-workspace dictionaries and taxonomy, re-analysis, emerging topics, copy-paste campaigns. */
export async function analysisRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['analysis'];
  // Re-analysis compiles each workspace's analyzer once per configuration version.
  const analyzers = createAnalyzerSource();

  route.get('/api/v1/analysis/config', { config: { permission: 'posts:read' }, schema: { tags, response: { 200: AnalysisConfigView, ...errorResponses } } }, async (request) =>
    presentConfig(await getAnalysisConfig(db, actorOf(request).workspaceId)),
  );

  route.put(
    '/api/v1/analysis/config',
    { config: { permission: 'analysis:write' }, schema: { tags, body: AnalysisConfigBody, response: { 200: AnalysisConfigView, ...errorResponses } } },
    async (request) => presentConfig(await saveAnalysisConfig(db, actorOf(request), request.body, ctx.now())),
  );

  route.post(
    '/api/v1/analysis/reanalyze',
    { config: { permission: 'analysis:write' }, schema: { tags, body: ReanalyzeBody, response: { 200: ReanalyzeResult, ...errorResponses } } },
    async (request) => reanalyzePosts(db, analyzers, actorOf(request), request.body, ctx.now()),
  );

  route.get(
    '/api/v1/topics/emerging',
    { config: { permission: 'posts:read' }, schema: { tags, querystring: EmergingQuery, response: { 200: EmergingTopicsResult, ...errorResponses } } },
    async (request) => emergingTopics(db, actorOf(request).workspaceId, request.query, ctx.now()),
  );

  route.post(
    '/api/v1/topics/promote',
    { config: { permission: 'analysis:write' }, schema: { tags, body: PromoteTopicBody, response: { 200: PromoteTopicResult, ...errorResponses } } },
    async (request) => {
      const { topic, config } = await promoteTopic(db, actorOf(request), request.body, ctx.now());
      return { topic, config: presentConfig(config) };
    },
  );

  route.get(
    '/api/v1/posts/campaigns',
    { config: { permission: 'posts:read' }, schema: { tags, querystring: CampaignsQuery, response: { 200: CampaignsResult, ...errorResponses } } },
    async (request) => findCampaigns(db, actorOf(request).workspaceId, request.query, ctx.now()),
  );
}
