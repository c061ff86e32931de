// --- offline reading and writing (docs/OFFLINE.md). CFG and the outbox functions are put in front by
// portal/core/offline.py. Never stored: a response marked no-store or private, and anything outside the forum
// pages and the static files (cases, referrals, letters, accounts, the API...): offline those get /offline/.
const STATIC = 'pelita-static-' + CFG.version;
const PAGES = 'pelita-pages';
const PAGE_RE = /^\/forums\/(?:f\/[^/]+\/|t\/\d+\/)?$/;
const THREAD_RE = /^\/forums\/t\/\d+\/$/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => Promise.all(
    CFG.precache.map((url) => fetch(url, { cache: 'reload' }).then((r) => r.ok && cache.put(url, r)).catch(() => {})))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((n) => n.startsWith('pelita-static-') && n !== STATIC).map((n) => caches.delete(n)))));
});

const storable = (r) => {
  const cc = (r.headers.get('Cache-Control') || '').toLowerCase();
  return r.status === 200 && !/no-store|private/.test(cc) && (r.headers.get('Content-Type') || '').startsWith('text/html');
};

async function remember(url, response) {
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);  // the page's own Content-Security-Policy and the rest
  for (const name of ['Content-Length', 'Content-Encoding', 'Set-Cookie']) headers.delete(name);
  headers.set('X-Pelita-Kept', String(Date.now()));
  headers.set('X-Pelita-Size', String(body.byteLength));
  const cache = await caches.open(PAGES);
  await cache.delete(url);
  await cache.put(url, new Response(body, { headers }));
  // The last CFG.threads threads and the budget: the oldest go first (keys come in the order they were put).
  const keys = await cache.keys();
  let threads = keys.filter((k) => THREAD_RE.test(new URL(k.url).pathname)).length;
  let size = 0;
  const sizes = await Promise.all(keys.map((k) => cache.match(k).then((r) => Number(r && r.headers.get('X-Pelita-Size')) || 0)));
  sizes.forEach((s) => { size += s; });
  for (let i = 0; i < keys.length && (threads > CFG.threads || size > CFG.budget); i++) {
    const thread = THREAD_RE.test(new URL(keys[i].url).pathname);
    if (keys[i].url === url || (size <= CFG.budget && !thread)) continue;
    if (thread) threads--;
    size -= sizes[i];
    await cache.delete(keys[i]);
  }
}

async function offlineCopy(url) {
  const cached = await caches.match(url, { cacheName: PAGES });
  if (!cached) return offlinePage();
  const html = await cached.text();
  const lang = (/<html lang="([a-z]+)/.exec(html) || [])[1];
  const s = CFG.strings[lang] || CFG.strings.id;
  const when = new Date(Number(cached.headers.get('X-Pelita-Kept'))).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID',
    { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const banner = '<p class="msg msg-warning offline-copy" role="status">' + s.copy.replace('%s', when) + '</p>';
  return new Response(html.replace(/(<main[^>]*>)/, '$1' + banner), { headers: cached.headers });
}

async function offlinePage() {
  return (await caches.match(CFG.offline, { cacheName: STATIC })) ||
    new Response('<!doctype html><title>Offline</title><h1>Offline</h1>', { status: 503, headers: { 'Content-Type': 'text/html' } });
}

async function forget() {
  for (const name of await caches.keys()) if (name.startsWith(PAGES)) await caches.delete(name);
  await outboxClear();
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.method === 'POST') {
    if (CFG.logout.includes(url.pathname)) {
      event.waitUntil(forget());
    } else if (OUTBOX_RE.test(url.pathname) && request.mode === 'navigate') {
      // Sent with a network that looked alive but was not: keep it in the outbox rather than lose it.
      const copy = request.clone();
      event.respondWith(fetch(request).catch(async () => {
        const fields = {};
        for (const [name, value] of await copy.formData()) if (typeof value === 'string') fields[name] = value;
        await outboxSave(url.pathname, fields);
        if (self.registration.sync) self.registration.sync.register('pelita-outbox').catch(() => {});
        return Response.redirect(outboxTarget(url.pathname), 303);
      }));
    }
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.startsWith(CFG.static)) {
    // Cache-first for a file whose name changes with its content (collectstatic's hashed names) or that the
    // version covers (the precached ones); the others network-first, so a changed file is never stale online.
    const fixed = /\.[0-9a-f]{12}\.\w+$/.test(url.pathname) || CFG.precache.includes(url.pathname);
    const fromNetwork = () => fetch(request).then((r) => {
      if (r.ok && !/no-store/.test(r.headers.get('Cache-Control') || '')) {
        const copy = r.clone();
        event.waitUntil(caches.open(STATIC).then((c) => c.put(request, copy)));
      }
      return r;
    });
    const fromCache = () => caches.match(request, { cacheName: STATIC });
    event.respondWith(fixed ? fromCache().then((hit) => hit || fromNetwork())
      : fromNetwork().catch(() => fromCache().then((hit) => hit || Response.error())));
  } else if (request.mode === 'navigate') {
    const page = PAGE_RE.test(url.pathname) && !url.search;
    event.respondWith(fetch(request).then((r) => {
      if (page && storable(r)) {
        const copy = r.clone();
        event.waitUntil(remember(url.href, copy));
      }
      return r;
    }, () => (page ? offlineCopy(url.href) : offlinePage())));
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'pelita-outbox') return;
  event.waitUntil(outboxFlush().then((sent) => self.clients.matchAll()
    .then((all) => all.forEach((c) => c.postMessage({ type: 'pelita-outbox', sent })))));
});
