// The staff view for admins, #/staff: everyone in the organisation with
// their courses, progress and certificates, filtered and sorted by the
// server (GET /api/admin/staff), a CSV export with the same filters, and a
// chart of certificates issued per month.

import { api, staffExport } from './api.js';
import { el, field, alertBox, showAlert, formatDate, formatDateTime, capitalise } from './util.js';
import { columnChart } from './bars.js';
import { STAFF_STATUS, staffStatusWord, daysLeftText, num, plural } from './courseutil.js';

const STATUSES = [
  ['', 'All'],
  ['enrolled', 'Enrolled, not started'],
  ['in_progress', 'In progress'],
  ['certified', 'Certified'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
];

const EXPIRING = [
  ['', 'Any time'],
  ['30', 'Within 30 days'],
  ['60', 'Within 60 days'],
  ['90', 'Within 90 days'],
];

// The table's columns; those with a sort key can be sorted by the server.
const COLUMNS = [
  { label: 'Name', sort: 'name' },
  { label: 'Email' },
  { label: 'Course', sort: 'course' },
  { label: 'Progress', sort: 'progress' },
  { label: 'Status', sort: 'status' },
  { label: 'Expires', sort: 'expires' },
  { label: 'Certificate' },
];

const COUNTS = [
  ['in_progress', 'In progress'],
  ['certified', 'Certified'],
  ['expiring_30', 'Expiring within 30 days'],
  ['expiring_60', 'Expiring within 60 days'],
  ['expiring_90', 'Expiring within 90 days'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
];

const SEARCH_DELAY = 300;

export function render(root, ctx) {
  const filters = { course: '', status: '', expiring: '', q: '', sort: 'name' };
  let seq = 0;
  let searchTimer = 0;
  let alive = true;

  const course = el('select', { id: 'staff-filter-course' }, el('option', { value: '', text: 'All courses' }));
  const status = el('select', { id: 'staff-filter-status' }, STATUSES.map(([v, t]) => el('option', { value: v, text: t })));
  const expiring = el('select', { id: 'staff-filter-expiring' }, EXPIRING.map(([v, t]) => el('option', { value: v, text: t })));
  const search = el('input', { type: 'search', id: 'staff-search', autocomplete: 'off', spellcheck: 'false' });
  const error = alertBox('staff-error');
  const counts = el('dl', { id: 'staff-counts', class: 'measures staff-counts' });
  const summary = el('p', { id: 'staff-summary', class: 'hint', role: 'status', 'aria-live': 'polite' });
  const exportLink = el('a', { id: 'staff-export', class: 'button-link', href: staffExport(filters), download: true, text: 'Download this list (CSV)' });
  const headRow = el('tr');
  const tbody = el('tbody', {}, el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'loading', text: 'Loading…' })));
  const table = el('table', { id: 'staff-table', class: 'members-table staff-table', 'aria-busy': 'true' },
    el('caption', { class: 'visually-hidden', text: 'Staff training: one row per person and course. Column headers with buttons sort the table.' }),
    el('thead', {}, headRow),
    tbody);
  const chartSlot = el('div', { id: 'certifications', class: 'certifications-chart' }, el('p', { class: 'loading', text: 'Loading the chart…' }));
  const chartError = alertBox('certifications-error');

  root.append(el('section', { id: 'staff', 'aria-labelledby': 'staff-title' },
    el('p', { class: 'crumbs' }, el('a', { href: '#/admin', text: 'Admin' })),
    el('h1', { id: 'staff-title', text: `Staff training: ${ctx.user?.organisation?.name || 'your organisation'}` }),
    el('p', { class: 'lede', text: 'Who is taking which course, how far they have got, and whose certificates are due to expire.' }),
    el('form', { class: 'filters staff-filters', role: 'search', 'aria-label': 'Filter the staff list', onsubmit: (e) => e.preventDefault() },
      field('Course', course),
      field('Status', status),
      field('Certificate expires', expiring),
      field('Search by name or email', search),
    ),
    el('h2', { text: 'Summary' }),
    counts,
    error,
    summary,
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Staff table (scrolls sideways on a narrow screen)' }, table),
    el('div', { class: 'actions' }, exportLink),
    el('h2', { id: 'certifications-title', text: 'Certificates issued per month' }),
    chartError,
    chartSlot,
  ));

  const drawHead = () => {
    headRow.replaceChildren(...COLUMNS.map((col) => {
      const th = el('th', { scope: 'col', 'data-column': col.sort || '' });
      if (!col.sort) {
        th.textContent = col.label;
        return th;
      }
      const dir = filters.sort === col.sort ? 'ascending' : filters.sort === '-' + col.sort ? 'descending' : '';
      if (dir) th.setAttribute('aria-sort', dir);
      const button = el('button', { type: 'button', class: 'sort-button link-button', 'data-sort': col.sort },
        col.label,
        el('span', { class: 'sort-icon', 'aria-hidden': 'true', text: dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ' ↕' }),
        dir ? null : el('span', { class: 'visually-hidden', text: ' (sort)' }));
      button.addEventListener('click', () => {
        filters.sort = filters.sort === col.sort ? '-' + col.sort : col.sort;
        drawHead();
        headRow.querySelector(`button[data-sort="${col.sort}"]`)?.focus();
        load();
      });
      th.append(button);
      return th;
    }));
  };

  const load = () => {
    const mine = ++seq;
    exportLink.href = staffExport(filters);
    table.setAttribute('aria-busy', 'true');
    showAlert(error, '');
    api.staff(filters).then((data) => {
      if (!alive || mine !== seq) return;
      table.removeAttribute('aria-busy');
      const rows = data?.staff || [];
      tbody.replaceChildren(...(rows.length
        ? rows.map(staffRow)
        : [el('tr', { class: 'empty-row' }, el('td', { colspan: COLUMNS.length, class: 'empty', text: 'No one matches these filters.' }))]));
      drawCounts(counts, data?.counts || {});
      summary.textContent = `${plural(rows.length, 'row')} shown.`;
    }, (err) => {
      if (!alive || mine !== seq) return;
      table.removeAttribute('aria-busy');
      showAlert(error, err.message);
    });
  };

  const onFilter = (key, input) => () => {
    filters[key] = input.value;
    load();
  };
  course.addEventListener('change', onFilter('course', course));
  status.addEventListener('change', onFilter('status', status));
  expiring.addEventListener('change', onFilter('expiring', expiring));
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      if (filters.q === search.value.trim()) return;
      filters.q = search.value.trim();
      load();
    }, SEARCH_DELAY);
  });

  drawHead();
  load();

  api.courses().then((data) => {
    if (!alive) return;
    for (const c of data?.courses || []) course.append(el('option', { value: c.id, text: c.title || c.id }));
    course.value = filters.course;
  }, (err) => {
    if (alive) showAlert(error, 'The course list could not be loaded: ' + err.message);
  });

  api.certifications().then((data) => {
    if (!alive) return;
    chartSlot.replaceChildren(certificationsChart(data?.months || []));
  }, (err) => {
    if (!alive) return;
    chartSlot.replaceChildren();
    showAlert(chartError, err.message);
  });

  return () => {
    alive = false;
    clearTimeout(searchTimer);
  };
}

function staffRow(r) {
  const pct = Math.max(0, Math.min(100, Math.round(num(r.percent))));
  const s = STAFF_STATUS[r.status] || { symbol: '•' };
  const days = daysLeftText(r.days_left);
  const expires = formatDate(r.expires_at);
  return el('tr', { class: 'staff-row', 'data-user': r.user_id || '', 'data-course': r.course || '', 'data-status': r.status || '' },
    el('th', { scope: 'row' },
      el('span', { class: 'staff-name', text: r.name || '' }),
      r.role ? el('span', { class: 'staff-role hint', text: ' ' + capitalise(r.role) }) : null),
    el('td', { class: 'staff-email', text: r.email || '' }),
    el('td', { text: r.course_title || r.course || '', title: r.enrolled_at ? 'Enrolled ' + formatDateTime(r.enrolled_at) : null }),
    el('td', { class: 'staff-progress' },
      el('progress', { max: 100, value: pct, 'aria-label': `Progress of ${r.name || 'this person'} in ${r.course_title || r.course || 'the course'}` }),
      el('span', { class: 'progress-text', text: ` ${pct}%` })),
    el('td', {}, el('span', { class: 'staff-status staff-status-' + (r.status || 'unknown') },
      el('span', { class: 'symbol', 'aria-hidden': 'true', text: s.symbol + ' ' }), staffStatusWord(r.status))),
    el('td', { class: 'staff-expires' + (num(r.days_left, 999) <= 30 ? ' is-soon' : '') },
      expires || '–',
      days ? el('span', { class: 'days-left', text: ` (${days})` }) : null),
    el('td', {}, r.certificate_id
      ? el('a', { class: 'staff-certificate', href: '#/certificates/' + encodeURIComponent(r.certificate_id), text: 'View', 'aria-label': `View the certificate of ${r.name || 'this person'}` })
      : '–'),
  );
}

function drawCounts(node, counts) {
  node.replaceChildren(...COUNTS.map(([key, label]) => el('div', { class: 'measure', 'data-count': key },
    el('dt', { text: label }),
    el('dd', { class: 'measure-value', text: String(num(counts[key])) }))));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// certificationsChart draws issued (and revoked, when there are any)
// certificates per month, with every month in the range shown, so a month
// with none is a gap and not missing.
function certificationsChart(months) {
  const byMonth = new Map();
  for (const m of months) {
    const key = monthIndex(m?.month);
    if (key !== null) byMonth.set(key, m);
  }
  // The server sends the last 24 months; should any be missing, the gaps
  // between the first and the last are filled (and with none at all, the
  // 24 months to this one are shown empty).
  const keys = [...byMonth.keys()];
  const now = new Date();
  const last = keys.length ? Math.max(...keys) : now.getUTCFullYear() * 12 + now.getUTCMonth();
  const first = keys.length ? Math.min(...keys) : last - 23;
  const labels = [];
  const issued = [];
  const revoked = [];
  for (let k = first; k <= last; k++) {
    const m = byMonth.get(k);
    labels.push(`${MONTHS[k % 12]} ’${String(Math.floor(k / 12) % 100).padStart(2, '0')}`);
    issued.push(num(m?.issued));
    revoked.push(num(m?.revoked));
  }
  const series = [{ key: 'bar', label: 'Issued', values: issued }];
  if (revoked.some((v) => v > 0)) series.push({ key: 'poor', label: 'Revoked', values: revoked });
  const totalIssued = issued.reduce((a, b) => a + b, 0);
  const totalRevoked = revoked.reduce((a, b) => a + b, 0);
  return el('div', {},
    el('p', { class: 'hint', text: `${plural(totalIssued, 'certificate')} issued from ${labels[0]} to ${labels[labels.length - 1]}` + (totalRevoked ? `, ${totalRevoked} revoked.` : '.') }),
    columnChart({
      id: 'certifications-chart',
      title: 'Certificates issued per month' + (series.length > 1 ? ', and revoked' : ''),
      labels,
      series,
      xTitle: 'Month',
      yTitle: 'Certificates',
    }));
}

// monthIndex reads "2026-11" as a count of months, or null.
function monthIndex(s) {
  const m = /^(\d{4})-(\d{2})/.exec(String(s || ''));
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return Number(m[1]) * 12 + month - 1;
}
