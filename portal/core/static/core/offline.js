// Offline reading and writing (docs/OFFLINE.md): registers the service worker, keeps the outbox and shows it,
// and clears everything kept on this device when the person logs out or another person logs in.
import { OUTBOX_RE, outboxAll, outboxClear, outboxDelete, outboxFlush, outboxSave, outboxTarget } from './outbox.js';

const meta = document.querySelector('meta[name=pelita-user]');
const t = JSON.parse(meta.dataset.strings);
const user = meta.content;
const kept = meta.hasAttribute('data-offline-page') || document.querySelector('.offline-copy');

async function forget() {
  if (self.caches) for (const name of await caches.keys()) if (name.startsWith('pelita-pages')) await caches.delete(name);
  try { await outboxClear(); } catch (e) { /* no IndexedDB: nothing kept */ }
}

async function start() {
  // Another person logged in on this device: what the one before kept goes. A page for nobody (the login page,
  // a session that ended) changes nothing: the same person logging in again finds her drafts.
  if (!kept && user) {
    const before = localStorage.getItem('pelita-user');
    if (before && before !== user) await forget();
    localStorage.setItem('pelita-user', user);
  }
  document.addEventListener('submit', leave);
  if (!user && !kept) return;
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
    navigator.serviceWorker.addEventListener('message', (e) => {
      if (e.data && e.data.type === 'pelita-outbox') { e.data.sent.forEach((id) => sent.add(id)); show(); }
    });
  }
  document.addEventListener('submit', keep);
  addEventListener('online', flush);
  if (navigator.onLine) await flush();
  else await show();
}

// Logging out clears the device first (the service worker does it too, when it sees the logout go by).
function leave(event) {
  const form = event.target;
  if (form.method !== 'post' || !/^\/accounts\/logout\//.test(new URL(form.action, location.href).pathname)) return;
  if (form.dataset.cleared) return;
  event.preventDefault();
  form.dataset.cleared = '1';
  forget().finally(() => { localStorage.removeItem('pelita-user'); form.submit(); });
}

function keep(event) {
  const form = event.target;
  const path = new URL(form.action, location.href).pathname;
  if (navigator.onLine || form.method !== 'post' || !OUTBOX_RE.test(path)) return;
  event.preventDefault();
  const fields = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') fields[name] = value;
  outboxSave(path, fields).then(() => {
    for (const area of form.querySelectorAll('textarea')) sessionStorage.removeItem('pelita-draft:' + location.pathname + ':' + area.name);
    if ('serviceWorker' in navigator) navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register('pelita-outbox')).catch(() => {});
    location.href = outboxTarget(path);
  }, () => {  // nothing can be kept on this device (no IndexedDB): the text stays in the form
    for (const button of form.querySelectorAll('button')) { button.disabled = false; button.removeAttribute('aria-busy'); }
  });
}

// What was sent from this page, by this page or by the worker's Background Sync (both may send the same
// draft: its key makes the second a replay).
const sent = new Set();

async function flush() {
  try { (await outboxFlush()).forEach((id) => sent.add(id)); } catch (e) { /* shown below */ }
  await show();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

async function show() {
  let items = [];
  try { items = await outboxAll(); } catch (e) { return; }
  document.querySelector('.outbox')?.remove();
  const waiting = items.filter((i) => i.state === 'waiting');
  const back = items.filter((i) => i.state === 'returned');
  if (!items.length && !sent.size) return;
  const box = el('section', { className: 'outbox msg' + (back.length ? ' msg-warning' : ''), role: 'status' });
  if (sent.size) box.append(el('p', { className: 'outbox-sent' }, t.sent.replace('%s', sent.size)));
  if (items.length) {
    const list = el('ol');
    for (const item of items) {
      const body = item.fields.body || '';
      const li = el('li', {}, el('a', { href: outboxTarget(item.path) }, item.fields.title || body.slice(0, 60) || item.path));
      if (item.state === 'returned') {
        li.append(el('p', { className: 'outbox-reason' }, item.message || t.refused),
          el('textarea', { readOnly: true, value: body, rows: 3, ariaLabel: t.copy }),
          el('button', { type: 'button', className: 'secondary', onclick: () => outboxDelete(item.id).then(() => show()) }, t.discard));
      }
      if (item.state === 'waiting' && item.reason === 'login') li.append(el('p', { className: 'outbox-login' }, t.login));
      list.append(li);
    }
    const summary = [waiting.length && t.waiting.replace('%s', waiting.length), back.length && t.returned.replace('%s', back.length)];
    box.append(el('details', { open: back.length > 0 }, el('summary', {}, summary.filter(Boolean).join(' · ')), list));
  }
  document.querySelector('main')?.prepend(box);
}

start();
