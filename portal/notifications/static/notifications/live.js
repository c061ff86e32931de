// Live notifications: keeps the header bell's unread count current and shows a short toast for each new
// notification. One WebSocket per tab to /ws/notifications/; reconnects with exponential backoff and jitter;
// on every (re)connect asks the API for what arrived after the last id this tab saw, so nothing is lost
// while the phone was offline. Other scripts may listen for the "pelita:notification" event on document.

const bell = document.getElementById("notif-bell");
const toasts = document.getElementById("notif-toasts");

const MAX_DELAY = 30000;
const TOAST_MS = 8000;
const CLOSE_UNAUTHENTICATED = 4401;

if (bell && "WebSocket" in window) {
  let lastId = Number(bell.dataset.lastId || 0);
  let attempt = 0;
  let socket = null;
  let timer = null;
  let stopped = false;
  const shown = new Set();

  const setCount = (n) => {
    const badge = bell.querySelector("[data-notif-count]");
    if (!badge) return;
    const count = Number(n) || 0;
    badge.firstChild.nodeValue = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    bell.dataset.unread = String(count);
  };

  const removeLater = (el) => {
    window.setTimeout(() => el.remove(), TOAST_MS);
  };

  const toast = (text, href) => {
    if (!toasts) return;
    const box = document.createElement("div");
    box.className = "notif-toast";
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", bell.dataset.close || "Close");
    close.textContent = "×";
    close.addEventListener("click", () => box.remove());
    box.append(link, close);
    while (toasts.children.length >= 3) toasts.firstElementChild.remove();
    toasts.append(box);
    removeLater(box);
  };

  // The session ended (logged out here or elsewhere, expired, password changed): stop for good and say so,
  // with a link to log in again that comes back to this page. Stays until the person acts on it.
  const loggedOut = () => {
    if (!toasts || document.getElementById("notif-login-again")) return;
    const box = document.createElement("div");
    box.className = "notif-toast notif-login-again";
    box.id = "notif-login-again";
    box.setAttribute("role", "alert");
    const text = document.createElement("span");
    text.textContent = `${bell.dataset.loginAgain || "Your session has ended."} `;
    const link = document.createElement("a");
    link.href = bell.dataset.loginUrl || "/accounts/login/";
    link.textContent = bell.dataset.loginLabel || "Log in again";
    box.append(text, link);
    toasts.append(box);
  };

  const openUrl = (id) => `${bell.getAttribute("href")}${id}/`;

  const received = (n, { quiet = false } = {}) => {
    if (shown.has(n.id)) return false;
    shown.add(n.id);
    lastId = Math.max(lastId, n.id);
    document.dispatchEvent(new CustomEvent("pelita:notification", { detail: n }));
    if (!quiet) toast(n.text, openUrl(n.id));
    return true;
  };

  // What arrived after lastId (while this tab was disconnected or loading): newest first from the API.
  const catchUp = async () => {
    if (!lastId) return;
    const url = `${bell.dataset.api}?since=${lastId}&page_size=100`;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const body = await response.json();
      const fresh = body.results.filter((n) => !shown.has(n.id)).reverse();
      if (fresh.length === 1) {
        received(fresh[0]);
      } else if (fresh.length > 1) {
        fresh.forEach((n) => received(n, { quiet: true }));
        toast(`${fresh.length} ${bell.dataset.newMany || "new notifications"}`, bell.getAttribute("href"));
      }
    } catch (error) {
      // Offline again: the next reconnect tries once more.
    }
  };

  const schedule = () => {
    if (stopped || timer) return;
    // Exponential backoff (1 s, 2 s, 4 s … 30 s) with full jitter, so a restarted server is not stampeded.
    const ceiling = Math.min(MAX_DELAY, 1000 * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    timer = window.setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (stopped || (socket && socket.readyState <= WebSocket.OPEN)) return;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${bell.dataset.socket}`);
    socket.addEventListener("open", () => {
      attempt = 0;
      bell.dataset.live = "on";
      catchUp();
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (data.type === "notification") {
        received(data);
        setCount(data.unread_count);
      } else if (data.type === "unread_count") {
        setCount(data.unread_count);
      }
    });
    socket.addEventListener("close", (event) => {
      bell.dataset.live = "off";
      socket = null;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        stopped = true; // logged out (here or elsewhere): no more reconnecting, and the person is told
        loggedOut();
        return;
      }
      schedule();
    });
  };

  // Come back at once when the network or the tab does, rather than waiting out the backoff.
  const retryNow = () => {
    if (stopped || socket) return;
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    attempt = 0;
    connect();
  };
  window.addEventListener("online", retryNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") retryNow();
  });

  connect();
}
