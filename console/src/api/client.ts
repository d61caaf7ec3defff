// The one way the console talks to the REST API: JSON over fetch with the signed-in user's bearer token.
// Every error answer of the api is an RFC 9457 ProblemDetail ({title, status, detail, errors: [{field, message}]});
// it becomes an ApiError so that forms can show each message next to the field it names.

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDetail {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetail;

  constructor(problem: ProblemDetail) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  /** The field problems, with the api's JSON path split into a form field path ("tasks[0].name" -> ["tasks", 0, "name"]). */
  fieldErrors(): { name: (string | number)[]; errors: string[] }[] {
    const byField = new Map<string, string[]>();
    for (const e of this.problem.errors ?? []) {
      if (!e.field) continue;
      byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
    }
    return [...byField.entries()].map(([field, errors]) => ({ name: fieldPath(field), errors }));
  }

  /** Problems that name no field (or the whole problem when it names none): shown above the form. */
  generalMessage(): string | undefined {
    const unnamed = (this.problem.errors ?? []).filter((e) => !e.field).map((e) => e.message);
    if (unnamed.length) return unnamed.join('; ');
    if (this.problem.errors?.length) return undefined;
    return this.message;
  }
}

export function fieldPath(field: string): (string | number)[] {
  return field
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

// The token lives here and in localStorage only; it is never rendered.
const TOKEN_KEY = 'edm.token';
let token: string | null = typeof localStorage !== 'undefined' ? localStorage.getItem(TOKEN_KEY) : null;
let onUnauthorized: () => void = () => {};

export function setToken(value: string | null) {
  token = value;
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

export function hasToken() {
  return token !== null;
}

/** Called when the api answers 401 to a signed-in request (token expired, revoked, user disabled). */
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

function url(path: string, query?: Query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((item) => params.append(k, String(item)));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(method: string, path: string, options: RequestOptions = {}, accept = 'application/json') {
  const headers: Record<string, string> = { Accept: `${accept}, application/problem+json` };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'network', detail: (e as Error).message });
  }
  if (!response.ok) {
    let problem: ProblemDetail;
    try {
      problem = { status: response.status, ...(await response.json()) };
    } catch {
      problem = { status: response.status, title: response.statusText };
    }
    if (response.status === 401 && token) onUnauthorized();
    throw new ApiError(problem);
  }
  return response;
}

async function json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204 || response.status === 202 && response.headers.get('content-length') === '0') {
    return undefined as T;
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => json<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query) => json<T>('POST', path, { body, query }),
  put: <T>(path: string, body?: unknown) => json<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => json<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => json<T>('DELETE', path),
  /** A text answer such as CSV, to read in the page. */
  async text(path: string, accept = 'text/plain', signal?: AbortSignal) {
    return (await send('GET', path, { signal }, accept)).text();
  },
  /** A file answer (CSV, JSON export) saved through the browser, with the token sent as a header. */
  async download(path: string, fileName: string, accept = '*/*') {
    const response = await send('GET', path, {}, accept);
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(href);
  },
};

/** One page of a paged list (PageView on the api side). */
export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total_items: number;
  total_pages: number;
}
