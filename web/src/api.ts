/** The one way the web app talks to the API: same-origin fetch with the session cookie, problem+json errors, parsed answers. */

/** Fired on window when an API call answers 401 outside sign-in. */
export const SESSION_ENDED = 'townhall:session-ended';

export type Item = Record<string, unknown>;

export interface Page {
  items: Item[];
  nextCursor: string | null;
}

export type Role = 'admin' | 'manager' | 'agent' | 'analyst';
export const ROLES: readonly Role[] = ['admin', 'manager', 'agent', 'analyst'];

export interface Me {
  id: string;
  name: string;
  email: string;
  role: Role;
  mustChangePassword: boolean;
}

/** An API answer other than 2xx, carrying the problem document's `detail` for the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function isRecord(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a (possibly dotted) field as display text; anything not a string, number or boolean becomes ''. */
export function text(item: Item, path: string): string {
  let value: unknown = item;
  for (const key of path.split('.')) {
    if (!isRecord(value)) return '';
    value = value[key];
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function list(item: Item, key: string): unknown[] {
  const value = item[key];
  return Array.isArray(value) ? value : [];
}

/** Calls the API. Throws ApiError with the problem `detail` (or title) on failure; returns the parsed JSON (null for 204). */
export async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  const raw = await response.text();
  let data: unknown = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    // A session that ended (expired, signed out elsewhere) sends the app back to the sign-in page.
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) window.dispatchEvent(new Event(SESSION_ENDED));
    const problem = isRecord(data) ? data : {};
    const detail = text(problem, 'detail') || text(problem, 'title') || `The server answered ${response.status}.`;
    throw new ApiError(response.status, text(problem, 'code') || 'http_error', detail);
  }
  return data;
}

/** GET one page of a list endpoint ({items, nextCursor}). */
export async function getPage(endpoint: string, params: Record<string, string | undefined>): Promise<Page> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const qs = query.toString();
  const data = await api('GET', qs ? `${endpoint}?${qs}` : endpoint);
  if (!isRecord(data) || !Array.isArray(data['items'])) throw new ApiError(200, 'bad_response', 'The server sent an answer this page cannot read.');
  const cursor = data['nextCursor'];
  return { items: data['items'].filter(isRecord), nextCursor: typeof cursor === 'string' && cursor ? cursor : null };
}

function parseRole(value: string): Role | null {
  return ROLES.find((r) => r === value) ?? null;
}

/** Parses a presented user (from /auth/me or /auth/login). */
export function parseMe(data: unknown): Me {
  const user = isRecord(data) && isRecord(data['user']) ? data['user'] : null;
  const role = user ? parseRole(text(user, 'role')) : null;
  if (!user || !role) throw new ApiError(200, 'bad_response', 'The server sent a user this page cannot read.');
  return { id: text(user, 'id'), name: text(user, 'name'), email: text(user, 'email'), role, mustChangePassword: user['mustChangePassword'] === true };
}

/** The signed-in user, or null when there is no valid session. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return parseMe(await api('GET', '/api/v1/auth/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function formatDate(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
