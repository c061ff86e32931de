// Live referral pages, on top of the notification socket (notifications/live.js dispatches a
// "pelita:notification" event for each notification this person receives).
// - Agency inbox: a new or changed referral refreshes the list in place (nothing typed there is lost).
// - Referral page: a change made by someone else shows a banner with a reload button, rather than reloading
//   under a person who may be typing a message or an outcome.

const inbox = document.querySelector("[data-live-inbox]");
const referral = document.querySelector("[data-live-referral]");

const refreshInbox = async () => {
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

document.addEventListener("pelita:notification", (event) => {
  const n = event.detail || {};
  if (!n.kind || !n.kind.startsWith("referral.")) return;
  if (inbox) refreshInbox();
  if (referral) {
    const path = new URL(n.url || "", window.location.origin).pathname;
    if (path === referral.dataset.liveReferral) showChanged();
  }
});

for (const button of document.querySelectorAll("[data-live-reload]")) {
  button.addEventListener("click", () => window.location.reload());
}
