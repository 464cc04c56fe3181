// The HTTP JSON API (docs/api.md). Every call resolves with the parsed body
// or rejects with an ApiError carrying the server's code and its message,
// which is written for a person and can be shown as it is.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'Oasis could not reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    let message = err.message || 'Something went wrong (' + res.status + '). Please try again.';
    const retryAfter = Number(res.headers.get('Retry-After')) || 0;
    if (res.status === 429 && retryAfter && !err.message) {
      message = 'Too many attempts. Try again in ' + retryAfter + ' seconds.';
    }
    throw new ApiError(res.status, err.code || 'http_' + res.status, message, retryAfter);
  }
  return data;
}

export const api = {
  me: () => request('GET', '/api/me'),
  login: (email, password) => request('POST', '/api/login', { email, password }),
  logout: () => request('POST', '/api/logout', {}),
  setup: (fields) => request('POST', '/api/setup', fields),
  invite: (token) => request('GET', '/api/invites/' + encodeURIComponent(token)),
  signup: (fields) => request('POST', '/api/signup', fields),
  newInvite: (role) => request('POST', '/api/invites', { role }),
  members: () => request('GET', '/api/members'),
  scenarios: () => request('GET', '/api/scenarios'),
  scenario: (id) => request('GET', '/api/scenarios/' + encodeURIComponent(id)),
  runs: () => request('GET', '/api/runs'),
  run: (id) => request('GET', '/api/runs/' + encodeURIComponent(id)),
  groups: () => request('GET', '/api/groups'),
  groupJoin: (code, name) => request('POST', '/api/groups/join', { code, name }),
  courses: () => request('GET', '/api/courses'),
  course: (id) => request('GET', '/api/courses/' + encodeURIComponent(id)),
  enroll: (id) => request('POST', '/api/courses/' + encodeURIComponent(id) + '/enroll', {}),
  // answers: {questionId: optionIndex}, every question answered.
  quiz: (id, module, answers) => request('POST', '/api/courses/' + encodeURIComponent(id) + '/modules/' + encodeURIComponent(module) + '/quiz', { answers }),
  certificates: () => request('GET', '/api/certificates'),
  certificate: (id) => request('GET', '/api/certificates/' + encodeURIComponent(id)),
  revokeCertificate: (id, reason) => request('POST', '/api/certificates/' + encodeURIComponent(id) + '/revoke', { reason }),
  // filters: {course, status, expiring, q, sort}; empty ones are left out.
  staff: (filters) => request('GET', '/api/admin/staff' + staffQuery(filters)),
  certifications: () => request('GET', '/api/admin/certifications'),
};

// staffQuery is the query string ("?course=…&sort=…", or "") for the staff
// list and its CSV export, leaving out filters that are not set.
export function staffQuery(filters = {}) {
  const q = new URLSearchParams();
  for (const key of ['course', 'status', 'expiring', 'q', 'sort']) {
    const v = filters[key];
    if (v !== undefined && v !== null && String(v).trim() !== '') q.set(key, String(v).trim());
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// staffExport is the address of the staff list as CSV, with the same filters.
export function staffExport(filters) {
  return '/api/admin/staff.csv' + staffQuery(filters);
}

// credentialURL is the address of a certificate's signed Open Badges
// credential, served as a download.
export function credentialURL(certificateId) {
  return '/api/certificates/' + encodeURIComponent(certificateId) + '/credential.json';
}

// groupExport is the address of a group session's CSV export (the
// session's trainer only): "results" or "board".
export function groupExport(sessionId, which) {
  return '/api/groups/' + encodeURIComponent(sessionId) + '/' + which + '.csv';
}
