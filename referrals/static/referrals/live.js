// Live referral pages, on top of the notification socket (notifications/live.js dispatches a
// "pelita:notification" event for each notification this person receives).
// - Agency inbox: a new or changed referral refreshes the list in place (nothing typed or ticked there is lost:
//   while a referral is ticked for bulk accept, the list waits).
// - Referral page: a change of state made by someone else shows a banner with a reload button, rather than
//   reloading under a person who may be typing a message or an outcome.
// - The private thread: new messages are appended as they arrive (issue 20), from the small JSON endpoint,
//   on the notification and by light polling (every 30 s while the page is visible), never a reload.

const inbox = document.querySelector("[data-live-inbox]");
const referral = document.querySelector("[data-live-referral]");
const thread = document.querySelector("[data-live-thread]");

const refreshInbox = async () => {
  if (document.querySelector("[data-live-inbox] input[type=checkbox]:checked")) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of ["[data-live-inbox]", "nav.tabs"]) {
      const fresh = doc.querySelector(selector);
      const here = document.querySelector(selector);
      if (fresh && here) here.replaceWith(fresh);
    }
  } catch (error) {
    // Offline: the list refreshes with the next notification or reload.
  }
};

const showChanged = () => {
  const banner = document.querySelector("[data-live-banner]");
  if (banner) banner.hidden = false;
};

const lastMessageId = () => {
  let last = 0;
  for (const li of thread.querySelectorAll("[data-message]")) last = Math.max(last, Number(li.dataset.message));
  return last;
};

let fetching = false;
const refreshThread = async () => {
  if (!thread || fetching) return;
  fetching = true;
  try {
    const response = await fetch(`${thread.dataset.liveThread}?after=${lastMessageId()}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const data = await response.json();
    for (const m of data.messages || []) {
      if (thread.querySelector(`[data-message="${m.id}"]`)) continue;
      const empty = thread.querySelector("li.muted");
      if (empty) empty.remove();
      const li = document.createElement("li");
      li.className = "message";
      li.dataset.message = String(m.id);
      const head = document.createElement("span");
      head.className = "small";
      const who = document.createElement("strong");
      who.textContent = m.author;
      head.append(who, ` · ${new Date(m.at).toLocaleString()}`);
      const body = document.createElement("div");
      body.textContent = m.body; // text only: never HTML from the network
      body.style.whiteSpace = "pre-line";
      li.append(head, body);
      thread.append(li);
    }
  } catch (error) {
    // Offline: the next poll or notification catches up.
  } finally {
    fetching = false;
  }
};

document.addEventListener("pelita:notification", (event) => {
  const n = event.detail || {};
  if (!n.kind || !n.kind.startsWith("referral.")) return;
  if (inbox) refreshInbox();
  if (referral) {
    const path = new URL(n.url || "", window.location.origin).pathname;
    if (path !== referral.dataset.liveReferral) return;
    if (n.kind === "referral.message") refreshThread();
    else showChanged();
  }
});

if (thread) {
  setInterval(() => {
    if (document.visibilityState === "visible") refreshThread();
  }, 30000);
}

for (const button of document.querySelectorAll("[data-live-reload]")) {
  button.addEventListener("click", () => window.location.reload());
}
