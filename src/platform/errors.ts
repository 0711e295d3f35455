/** Facts an AppError carries besides its detail: a header value, or a member of its problem body. */
export interface AppErrorExtra {
  /** Seconds, sent as the Retry-After header of a 429. */
  retryAfter?: number;
  /** duplicate_email: each address and the live contacts already holding it (problem member). */
  duplicates?: { email: string; contactIds: string[] }[];
}

/** One error vocabulary: every expected failure is an AppError with a stable code and HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: AppErrorExtra = {},
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export const errors = {
  validation: (detail: string, extra: AppErrorExtra = {}) => new AppError('validation_failed', 400, 'Request is not valid', detail, extra),
  badRequest: (detail: string) => new AppError('bad_request', 400, 'Bad request', detail),
  unauthenticated: (detail = 'Sign in or send an API token in the Authorization header.') =>
    new AppError('unauthenticated', 401, 'Authentication required', detail),
  invalidCredentials: () => new AppError('invalid_credentials', 401, 'Email or password is wrong', 'Check the email and password and try again.'),
  forbidden: (detail = 'Your role does not allow this action.') => new AppError('forbidden', 403, 'Not allowed', detail),
  notFound: (what: string) => new AppError('not_found', 404, 'Not found', `${what} does not exist in this workspace.`),
  conflict: (detail: string) => new AppError('conflict', 409, 'Conflict', detail),
  /** Addresses other live contacts already hold: the problem names them and the holders (member `duplicates`). */
  duplicateEmail: (duplicates: { email: string; contactIds: string[] }[]) =>
    new AppError(
      'duplicate_email',
      409,
      'Email already belongs to another contact',
      `${duplicates.map((d) => `${d.email} already belongs to contact ${d.contactIds.join(', ')}`).join('; ')}. Link or merge that contact instead, or allow the duplicate explicitly (allowDuplicateEmail: true) if the address is shared, e.g. by a family.`,
      { duplicates },
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 429, 'Too many requests', `Try again in ${retryAfterSeconds} seconds.`, { retryAfter: retryAfterSeconds }),
  unavailable: (detail: string) => new AppError('unavailable', 503, 'Service unavailable', detail),
};
