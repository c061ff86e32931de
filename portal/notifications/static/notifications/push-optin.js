// The settings page's "push on this device" switch: registers /sw.js, subscribes with the server's VAPID key and
// sends the subscription to the API. Without JavaScript the page works as before (no push).
const box = document.querySelector('[data-push-optin]');
if (box && 'serviceWorker' in navigator && 'PushManager' in window) {
  box.hidden = false;
  const button = box.querySelector('button');
  const status = box.querySelector('[data-push-status]');
  const csrf = document.querySelector('input[name=csrfmiddlewaretoken]')?.value || '';
  const key = box.dataset.vapidKey;
  const toBytes = (b64) => {
    const pad = '='.repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') { status.textContent = box.dataset.denied; return; }
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key) });
      const response = await fetch('/api/v1/me/push-subscriptions', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify(subscription.toJSON()),
      });
      status.textContent = response.ok ? box.dataset.done : box.dataset.failed;
      if (response.ok) window.location.reload();
    } catch (e) {
      status.textContent = box.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });
}
