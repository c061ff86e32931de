// The outbox: what was written without a network (a reply, a new thread, a referral message), kept in
// IndexedDB and sent in order when the network returns. Shared by the page (offline.js imports it) and the
// service worker (portal/core/offline.py includes it with `export` taken away). Each draft has its own
// one-time key (once_token, portal/core/idempotency.py): a draft sent twice is stored once.
export const OUTBOX_RE = /^\/(?:forums\/t\/\d+\/reply\/|forums\/f\/[^/]+\/new\/|cases\/referrals\/\d+\/messages\/)$/;
const DB = 'pelita-offline';
const STORE = 'outbox';
const done = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });

function openDb() {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
  return done(r);
}

async function store(mode) {
  return (await openDb()).transaction(STORE, mode).objectStore(STORE);
}

export async function outboxAll() {
  const items = await done((await store('readonly')).getAll());
  return items.sort((a, b) => a.id - b.id);
}

export async function outboxDelete(id) {
  return done((await store('readwrite')).delete(id));
}

export async function outboxClear() {
  return done((await store('readwrite')).clear());
}

// Where the person goes once a draft is kept: the thread, the forum or the referral.
export function outboxTarget(path) {
  return path.replace(/(reply|new|messages)\/$/, '');
}

export async function outboxSave(path, fields) {
  // A fresh key per draft: an offline copy of a page carries the key of its form, which an earlier draft used.
  fields.once_token = self.crypto.randomUUID().replace(/-/g, '');
  const item = { path, fields, created: Date.now(), state: 'waiting', message: '' };
  item.id = await done((await store('readwrite')).add(item));
  return item;
}

const text = (html) => html.replace(/<[^>]*>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

// The server's reason, from the page it answered with: only its error or warning message, never the rest of the
// page (a page's heading can be a child's name: without a message the person sees the generic "returned").
export function outboxReason(html) {
  for (const re of [/<ul class="errorlist[^"]*"[^>]*>([\s\S]*?)<\/ul>/, /<p class="msg msg-warning"[^>]*>([\s\S]*?)<\/p>/]) {
    const m = re.exec(html);
    if (m) return text(m[1]).slice(0, 300);
  }
  return '';
}

let flushing = null;
// Send what waits, oldest first. Stops at the first network failure (the order is kept); a refusal returns the
// draft to the person with the server's reason.
export function outboxFlush() {
  flushing = flushing || send().finally(() => { flushing = null; });
  return flushing;
}

// The CSRF token of now: a login since the draft was written (its page's token) rotated it.
async function csrfToken() {
  try {
    if (typeof document !== 'undefined') {
      const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      if (m) return decodeURIComponent(m[1]);
    }
    if (self.cookieStore) { const c = await self.cookieStore.get('csrftoken'); if (c) return c.value; }
  } catch (e) { /* the draft's own token is tried */ }
  return '';
}

async function send() {
  const sent = [];  // the ids sent
  for (const item of await outboxAll()) {
    if (item.state !== 'waiting') continue;
    let r;
    try {
      const token = await csrfToken();
      const fields = token ? { ...item.fields, csrfmiddlewaretoken: token } : item.fields;
      r = await fetch(item.path, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin' });
    } catch (e) {
      break;
    }
    const to = new URL(r.url).pathname;
    if (r.status >= 500 || r.status === 409 || r.status === 429) break;
    if (r.redirected && to.startsWith('/accounts/login')) {
      // The session ended: it waits until the person logs in again (then it is sent as it was).
      item.reason = 'login';
      await done((await store('readwrite')).put(item));
      break;
    }
    if (r.ok && r.redirected && to !== item.path) {
      await outboxDelete(item.id);
      sent.push(item.id);
      continue;
    } else {
      item.state = 'returned';
      item.message = outboxReason(await r.text());
    }
    await done((await store('readwrite')).put(item));
  }
  return sent;
}
