import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { declaredQueryParameters } from './schemas.ts';

const PROBLEM_BASE = 'https://townhall.dev/problems/';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  /** An extension member (RFC 9457 §3.2), listed in the Problem schema: duplicate_email's addresses and holders. */
  duplicates?: { email: string; contactIds: string[] }[];
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Omit<ProblemBody, 'type' | 'instance'>): FastifyReply {
  const body: ProblemBody = { type: PROBLEM_BASE + problem.code, instance: request.url.split('?')[0] ?? request.url, ...problem };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string';
}

/** Query parameters the request sent that its route does not declare. */
function unknownQueryParameters(request: FastifyRequest): string[] {
  const declared = new Set(declaredQueryParameters(request.routeOptions.schema?.querystring));
  const sent = typeof request.query === 'object' && request.query !== null ? Object.keys(request.query) : [];
  return sent.filter((name) => !declared.has(name));
}

function sendUnknownQueryParameters(reply: FastifyReply, request: FastifyRequest, unknown: string[]): FastifyReply {
  const declared = declaredQueryParameters(request.routeOptions.schema?.querystring);
  const accepted = declared.length > 0 ? `accepted: ${declared.join(', ')}` : 'this route accepts no query parameters';
  const names = unknown.map((name) => `"${name}"`).join(', ');
  return sendProblem(reply, request, {
    status: 400,
    code: 'unknown_query_parameter',
    title: 'Unknown query parameter',
    detail: `unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}; ${accepted}`,
    errors: unknown.map((name) => ({ path: `querystring/${name}`, message: `is not a parameter of ${request.method} ${request.routeOptions.url ?? ''}`.trim() })),
  });
}

/** One error handler: coded errors become problem+json; anything unknown is a generic 500 with detail only in the log. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 429 && error.extra.retryAfter !== undefined) reply.header('retry-after', String(error.extra.retryAfter));
      return sendProblem(reply, request, { status: error.status, code: error.code, title: error.title, detail: error.message, ...(error.extra.duplicates ? { duplicates: error.extra.duplicates } : {}) });
    }
    if (isFastifyError(error) && error.validation && error.validationContext === 'querystring') {
      const unknown = unknownQueryParameters(request);
      if (unknown.length > 0) return sendUnknownQueryParameters(reply, request, unknown);
    }
    if (isFastifyError(error) && error.validation) {
      const problems = error.validation.map((v) => ({
        path: `${error.validationContext ?? 'body'}${v.instancePath || ''}`,
        message: v.keyword === 'enum' && Array.isArray(v.params['allowedValues']) ? `must be one of: ${v.params['allowedValues'].join(', ')}` : (v.message ?? 'is not valid'),
      }));
      return sendProblem(reply, request, {
        status: 400,
        code: 'validation_failed',
        title: 'Request is not valid',
        detail: problems.map((p) => `${p.path} ${p.message}`).join('; '),
        errors: problems,
      });
    }
    if (isFastifyError(error) && error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors (malformed JSON, unsupported media type, body too large).
      const code = error.code.replace(/^FST_ERR_/, '').toLowerCase();
      return sendProblem(reply, request, { status: error.statusCode, code, title: 'Bad request', detail: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, { status: 500, code: 'internal_error', title: 'Internal server error', detail: 'Something went wrong on our side; it has been logged.' });
  });

}
