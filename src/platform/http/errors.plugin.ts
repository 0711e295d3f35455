import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

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

/** One error handler: coded errors become problem+json; anything unknown is a generic 500 with detail only in the log. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 429 && error.extra.retryAfter !== undefined) reply.header('retry-after', String(error.extra.retryAfter));
      return sendProblem(reply, request, { status: error.status, code: error.code, title: error.title, detail: error.message, ...(error.extra.duplicates ? { duplicates: error.extra.duplicates } : {}) });
    }
    if (isFastifyError(error) && error.validation) {
      const problems = error.validation.map((v) => ({
        path: `${error.validationContext ?? 'body'}${v.instancePath || ''}`,
        message: v.message ?? 'is not valid',
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
