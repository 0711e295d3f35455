import type { FastifyInstance } from 'fastify';
import { analysisRoutes } from './analysis-api/analysis.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { channelsRoutes } from './channels/channels.routes.ts';
import { intakeRoutes } from './intake/intake.routes.ts';
import { webhooksRoutes } from './intake/webhooks.routes.ts';
import { listeningQueriesRoutes } from './listening/queries.routes.ts';
import { outboxRoutes } from './outbox/outbox.routes.ts';
import { outboundWebhooksRoutes } from './outbound-webhooks/webhooks.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { conversationsRoutes } from './conversations/conversations.routes.ts';
import { accountsRoutes } from './customers/accounts.routes.ts';
import { contactsRoutes } from './customers/contacts.routes.ts';
import { contactsIoRoutes } from './customers/contacts-io.routes.ts';
import { segmentsRoutes } from './segments/segments.routes.ts';
import { dealsRoutes } from './customers/deals.routes.ts';
import { identitiesRoutes } from './identities/identities.routes.ts';
import { identityResolutionRoutes } from './identity-resolution/resolution.routes.ts';
import { postsRoutes } from './posts/posts.routes.ts';
import type { AppContext } from './platform/context.ts';
import { teamsRoutes } from './teams/teams.routes.ts';
import { usersRoutes } from './users/users.routes.ts';
import { workspacesRoutes } from './workspaces/workspaces.routes.ts';

/** Every capability's routes, registered in one place so a newcomer sees the whole API surface. */
export async function apiRoutes(app: FastifyInstance, options: { ctx: AppContext }): Promise<void> {
  await app.register(authRoutes, options);
  await app.register(workspacesRoutes, options);
  await app.register(usersRoutes, options);
  await app.register(teamsRoutes, options);
  await app.register(auditRoutes, options);
  await app.register(contactsRoutes, options);
  await app.register(contactsIoRoutes, options);
  await app.register(segmentsRoutes, options);
  await app.register(accountsRoutes, options);
  await app.register(dealsRoutes, options);
  await app.register(identitiesRoutes, options);
  await app.register(identityResolutionRoutes, options);
  await app.register(postsRoutes, options);
  await app.register(conversationsRoutes, options);
  await app.register(channelsRoutes, options);
  await app.register(intakeRoutes, options);
  await app.register(webhooksRoutes, options);
  await app.register(listeningQueriesRoutes, options);
  await app.register(outboxRoutes, options);
  await app.register(outboundWebhooksRoutes, options);
  await app.register(analysisRoutes, options);
}
