// Web Push: show the notification (kind and case code, never a name) and open its link on a click.
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data && event.data.text() }; }
  const title = data.title || 'Pelita';
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || '',
    data: { url: data.url || '/notifications/' },
    icon: '/static/core/icons/pelita-192.png',
    badge: '/static/core/icons/pelita-192.png',
    tag: data.url || 'pelita',
  }));
});
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/notifications/', self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
    for (const client of list) {
      if (client.url === url.href && 'focus' in client) return client.focus();
    }
    return self.clients.openWindow(url.href);
  }));
});
