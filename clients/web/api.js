// A small fetch wrapper shared by the kiosk and the dashboard. It adds the
// bearer credential and turns the server's {"error": {...}} bodies into
// ApiError, so callers switch on error.code instead of parsing text.
// fetch is injectable so the tests can run it in Node without a server.

export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 when the server could not be reached
    this.code = code;
    this.details = details;
  }

  get isNetwork() {
    return this.status === 0;
  }
}

export function queryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// Builds an ApiError from a failed response, whatever its body looks like
// (a proxy in front of the server may answer with HTML).
export async function errorFromResponse(response) {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // A body we cannot read still has a status.
  }
  try {
    const body = JSON.parse(text);
    if (body && body.error && typeof body.error === 'object') {
      const { code, message, details } = body.error;
      return new ApiError(response.status, code || `http_${response.status}`,
        message || response.statusText || `HTTP ${response.status}`, details ?? null);
    }
  } catch {
    // Not JSON: fall through.
  }
  return new ApiError(response.status, `http_${response.status}`,
    response.statusText || `HTTP ${response.status}`, null);
}

export function createApi({
  token = '',
  base = '/api/v1',
  fetchImpl = (...args) => globalThis.fetch(...args),
  onUnauthorized = null, // called on any 401, e.g. to return to sign-in
  timeoutMs = 0, // default per-request timeout; 0 = none
} = {}) {
  async function request(method, path, options = {}) {
    const { json, body, query, as = 'json', timeoutMs: perCall = timeoutMs } = options;
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload = body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(json);
    }
    // A timeout matters to the kiosk: a hung request would otherwise hold
    // its one in-flight slot forever.
    const controller = perCall > 0 ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), perCall) : null;
    let response;
    try {
      response = await fetchImpl(base + path + queryString(query), {
        method, headers, body: payload, signal: controller?.signal,
      });
    } catch {
      const timedOut = controller?.signal.aborted;
      throw new ApiError(0, timedOut ? 'timeout' : 'network',
        timedOut ? 'The server did not answer in time' : 'The server could not be reached');
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      if (error.status === 401 && onUnauthorized) onUnauthorized(error);
      throw error;
    }
    if (as === 'response') return response;
    if (as === 'blob') return response.blob();
    if (as === 'text') return response.text();
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  return {
    token,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    patch: (path, options) => request('PATCH', path, options),
    del: (path, options) => request('DELETE', path, options),
  };
}
