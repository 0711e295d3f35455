/** One error vocabulary: every expected failure is an AppError with a stable code and HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export const errors = {
  validation: (detail: string, extra: Record<string, unknown> = {}) => new AppError('validation_failed', 400, 'Request is not valid', detail, extra),
  badRequest: (detail: string) => new AppError('bad_request', 400, 'Bad request', detail),
  unauthenticated: (detail = 'Sign in or send an API token in the Authorization header.') =>
    new AppError('unauthenticated', 401, 'Authentication required', detail),
  invalidCredentials: () => new AppError('invalid_credentials', 401, 'Email or password is wrong', 'Check the email and password and try again.'),
  forbidden: (detail = 'Your role does not allow this action.') => new AppError('forbidden', 403, 'Not allowed', detail),
  notFound: (what: string) => new AppError('not_found', 404, 'Not found', `${what} does not exist in this workspace.`),
  conflict: (detail: string) => new AppError('conflict', 409, 'Conflict', detail),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 429, 'Too many requests', `Try again in ${retryAfterSeconds} seconds.`, { retryAfter: retryAfterSeconds }),
  unavailable: (detail: string) => new AppError('unavailable', 503, 'Service unavailable', detail),
};
