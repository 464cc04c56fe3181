// Certificates: the caller's list (#/certificates) and one certificate
// (#/certificates/ID), a page that prints as the certificate itself. An
// organisation's admins can revoke a certificate from its page.

import { api, credentialURL } from './api.js';
import { el, field, alertBox, showAlert, formatDate, formatDateTime } from './util.js';
import { certStatusBadge } from './courseutil.js';
import { counter } from './grouputil.js';

const MAX_REASON = 500;

// --- the list ----------------------------------------------------------------

export function renderList(root, ctx) {
  const error = alertBox('certificates-error');
  const slot = el('div', { id: 'certificates-list', 'aria-busy': 'true' }, el('p', { class: 'loading', text: 'Loading your certificates…' }));
  root.append(el('section', { id: 'certificates', 'aria-labelledby': 'certificates-title' },
    el('h1', { id: 'certificates-title', text: 'Your certificates' }),
    el('p', { class: 'lede', text: 'A certificate is issued the moment you complete a course. Anyone can check one at its verify address; you can also download it as a signed Open Badges credential.' }),
    error,
    slot,
  ));

  api.certificates().then((data) => {
    const list = data?.certificates || [];
    slot.removeAttribute('aria-busy');
    if (!list.length) {
      slot.replaceChildren(el('p', { class: 'empty' }, 'No certificates yet. ', el('a', { href: '#/courses', text: 'Take a course' }), ' to earn one.'));
      return;
    }
    slot.replaceChildren(certificateTable(list));
  }, (err) => {
    slot.removeAttribute('aria-busy');
    slot.replaceChildren();
    showAlert(error, err.message);
  });
}

function certificateTable(list) {
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'certificates-caption' },
    el('table', { class: 'members-table certificates-table' },
      el('caption', { id: 'certificates-caption', class: 'visually-hidden', text: 'Your certificates, newest first' }),
      el('thead', {}, el('tr', {}, ['Certificate', 'Course', 'Issued', 'Expires', 'Status', 'Credential'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, list.map((c) => {
        const href = '#/certificates/' + encodeURIComponent(c.id);
        return el('tr', { class: 'certificate-row', 'data-id': c.id, 'data-status': c.status || '' },
          el('th', { scope: 'row' }, el('a', { class: 'certificate-link', href, text: c.title || c.course_title || c.id })),
          el('td', { text: c.course_title || c.course || '' }),
          el('td', { text: formatDate(c.issued_at) || '–', title: formatDateTime(c.issued_at) || null }),
          el('td', { text: formatDate(c.expires_at) || '–', title: formatDateTime(c.expires_at) || null }),
          el('td', {}, certStatusBadge(c.status)),
          el('td', {}, el('a', { class: 'download-credential', href: credentialURL(c.id), download: true, text: 'Download', 'aria-label': `Download the credential for ${c.title || c.id}` })),
        );
      }))));
}


// --- one certificate ------------------------------------------------------------

export function renderOne(root, ctx, id) {
  const error = alertBox('certificate-error');
  const body = el('div', { class: 'certificate-body' }, el('p', { class: 'loading', text: 'Loading the certificate…' }));
  // The heading is there from the start so the page's focus has somewhere
  // to land; it becomes the certificate's title once it loads.
  const title = el('h1', { id: 'certificate-title', class: 'cert-title', text: 'Certificate' });
  const section = el('section', { id: 'certificate', 'aria-labelledby': 'certificate-title' },
    el('p', { class: 'crumbs no-print' }, el('a', { href: '#/certificates', text: 'All your certificates' })),
    error,
    body,
  );
  body.prepend(title);
  root.append(section);

  const load = (focus) => api.certificate(id).then((data) => {
    const cert = data?.certificate || data;
    if (!cert || !cert.id) throw new Error('The server sent no certificate.');
    draw(ctx, body, title, cert, load);
    if (focus) document.getElementById(focus)?.focus();
  }).catch((err) => {
    if (err.status === 404) title.textContent = 'Certificate not found';
    body.replaceChildren(title);
    showAlert(error, err.message || 'The certificate could not be loaded.');
  });
  load();
}

function draw(ctx, body, title, cert, reload) {
  title.textContent = cert.title || 'Certificate';
  document.title = (cert.title || 'Certificate') + ' · Oasis';
  const revoked = cert.status === 'revoked';
  const sheet = el('div', { class: 'certificate-sheet' + (revoked ? ' is-revoked' : ''), 'data-status': cert.status || '' },
    el('p', { class: 'cert-org', text: cert.organisation || '' }),
    title,
    el('p', { class: 'cert-line', text: 'This certifies that' }),
    el('p', { id: 'certificate-holder', class: 'cert-holder', text: cert.holder || '' }),
    el('p', { class: 'cert-line', text: 'has completed the course' }),
    el('p', { id: 'certificate-course', class: 'cert-course', text: cert.course_title || cert.course || '' }),
    el('dl', { class: 'cert-dates' },
      el('div', {}, el('dt', { text: 'Issued' }), el('dd', { id: 'certificate-issued', text: formatDate(cert.issued_at) || '–' })),
      el('div', {}, el('dt', { text: 'Expires' }), el('dd', { id: 'certificate-expires', text: formatDate(cert.expires_at) || 'Does not expire' })),
      cert.renewal_of ? el('div', {}, el('dt', { text: 'Renews' }), el('dd', { text: String(cert.renewal_of) })) : null,
    ),
    el('p', { id: 'certificate-status', class: 'cert-status-line', 'data-status': cert.status || '', tabindex: '-1' },
      el('span', { class: 'cert-status-label', text: 'Status: ' }), certStatusBadge(cert.status),
      revoked && cert.revoked_at ? ` on ${formatDate(cert.revoked_at)}` : '',
      cert.status === 'expiring' ? ': renewal is open' : '',
      revoked && cert.revoke_reason ? el('span', { class: 'cert-revoke-reason' }, ' · Reason: ', cert.revoke_reason) : ''),
    cert.verify_url ? el('p', { class: 'cert-verify' },
      'Check this certificate at ', el('a', { id: 'certificate-verify', href: cert.verify_url, text: cert.verify_url })) : null,
    el('p', { class: 'cert-id' }, 'Certificate ID: ', el('code', { id: 'certificate-id', text: cert.id })),
    // Scanning the printed code opens the verify page.
    el('img', { id: 'certificate-qr', class: 'cert-qr', src: `/verify/${encodeURIComponent(cert.id)}/qr.svg`, width: 96, height: 96,
      alt: 'QR code: scan it to open this certificate’s verify page.' }),
  );

  const print = el('button', { type: 'button', id: 'print-certificate', class: 'primary', text: 'Print the certificate' });
  print.addEventListener('click', () => window.print());
  const actions = el('div', { class: 'actions no-print' },
    print,
    el('a', { class: 'download-credential button-link', href: credentialURL(cert.id), download: true, text: 'Download the signed credential (JSON)' }),
  );

  body.replaceChildren(...[
    sheet,
    actions,
    evidenceList(ctx, cert),
    ctx.user?.role === 'admin' && !revoked ? revokeForm(cert, reload) : null,
  ].filter(Boolean));
}

function evidenceList(ctx, cert) {
  const evidence = cert.evidence || [];
  // A run can only be opened by the person who made it: link runs for the
  // holder only (an admin looking at a colleague's certificate sees text).
  const mine = cert.user_id ? cert.user_id === ctx.user?.id : cert.holder === ctx.user?.name;
  return el('section', { id: 'certificate-evidence', class: 'evidence no-print', 'aria-labelledby': 'evidence-title' },
    el('h2', { id: 'evidence-title', text: 'Evidence' }),
    el('p', { class: 'hint', text: 'What satisfied each requirement of the course when the certificate was issued.' }),
    evidence.length
      ? el('ul', { class: 'evidence-list' }, evidence.map((ev) => el('li', { class: 'evidence-item', 'data-kind': ev.kind || '' },
        el('span', { class: 'evidence-kind', text: ev.kind === 'quiz' ? 'Quiz' : ev.kind === 'run' ? 'Practice' : ev.kind || '' }),
        ' ', el('span', { class: 'evidence-requirement', text: ev.requirement || '' }),
        ev.detail ? [': ', ev.detail] : '',
        ev.run_id && mine ? [' · ', el('a', { href: '#/run/' + encodeURIComponent(ev.run_id), text: 'see the run' })] : '')))
      : el('p', { class: 'empty', text: 'No evidence is recorded.' }),
  );
}

// revokeForm: a reason, then an in-page confirmation before anything is
// sent.
function revokeForm(cert, reload) {
  const reason = el('textarea', { id: 'revoke-reason', rows: 3, maxlength: MAX_REASON, required: true });
  const reasonField = field('Reason (required; kept on record for your organisation, not shown publicly)', reason, `At most ${MAX_REASON} characters.`);
  const { count } = counter(reason, MAX_REASON, 'revoke-reason-count');
  const submit = el('button', { type: 'submit', id: 'revoke-submit', text: 'Revoke this certificate' });
  const error = alertBox('revoke-error');
  const confirmSlot = el('div', { class: 'revoke-confirm-slot', 'aria-live': 'polite' });
  const form = el('form', { id: 'revoke-form', class: 'card form-card revoke-form no-print', 'aria-labelledby': 'revoke-title', novalidate: true },
    el('h2', { id: 'revoke-title', text: 'Revoke this certificate' }),
    el('p', { text: `Revoking cannot be undone. From then on the public verify page says the certificate of ${cert.holder || 'its holder'} is revoked (your reason stays within your organisation).` }),
    reasonField,
    count,
    el('div', { class: 'actions' }, submit),
    error,
    confirmSlot,
  );

  const reset = () => {
    confirmSlot.replaceChildren();
    submit.disabled = false;
  };
  reason.addEventListener('input', () => {
    showAlert(error, '');
    if (confirmSlot.childElementCount) reset();
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showAlert(error, '');
    const text = reason.value.trim();
    if (!text) {
      showAlert(error, 'Write the reason for revoking first: your organisation keeps it on record.');
      reason.focus();
      return;
    }
    if (text.length > MAX_REASON) {
      showAlert(error, `The reason is too long: at most ${MAX_REASON} characters.`);
      reason.focus();
      return;
    }
    submit.disabled = true;
    const yes = el('button', { type: 'button', id: 'revoke-confirm', class: 'danger', text: 'Yes, revoke' });
    const no = el('button', { type: 'button', id: 'revoke-cancel', text: 'No, keep it' });
    const question = el('p', { id: 'revoke-question', class: 'revoke-question', tabindex: '-1' },
      el('strong', { text: `Revoke the certificate of ${cert.holder || 'this person'}?` }), ' This cannot be undone.');
    no.addEventListener('click', () => {
      reset();
      reason.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await api.revokeCertificate(cert.id, text);
        await reload('certificate-status');
      } catch (err) {
        showAlert(error, err.message);
        reset();
      }
    });
    confirmSlot.replaceChildren(el('div', { class: 'revoke-confirm-box', role: 'group', 'aria-labelledby': 'revoke-question' },
      question, el('div', { class: 'actions' }, yes, no)));
    yes.focus();
  });
  return form;
}
