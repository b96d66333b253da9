// REST calls to the hub. The API token (pasted at sign-in) lives in sessionStorage: it is gone when the tab closes.
const KEY = "gridhub.token";
const listeners = new Set();

export const auth = {
  token: () => sessionStorage.getItem(KEY),
  signIn(token) {
    sessionStorage.setItem(KEY, token);
    listeners.forEach((fn) => fn());
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    listeners.forEach((fn) => fn());
  },
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function headers(extra = {}) {
  const token = auth.token();
  return { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

async function call(method, path, body, type = "application/json") {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": type }) };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(`/api${path}`, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body, type) => call("POST", path, body, type),
  put: (path, body) => call("PUT", path, body),
  del: (path) => call("DELETE", path),
};
