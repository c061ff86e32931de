// @mention suggestions: while someone types "@ku" in a post, offer the forum's people whose username or name
// starts so (GET /api/v1/forums/<area>/people?q=). Without JavaScript the page links to the same list.
// The textarea keeps focus and points at the highlighted suggestion (aria-activedescendant on its textbox role,
// a listbox after it, a polite status with the count): arrows move, Enter or Tab choose, Escape closes.
// A failed request (weak network) simply shows nothing.
const TOKEN = /(^|[^\w@/.\\])@([\w.+-]{0,30})$/;
let counter = 0;

function setup(area, api) {
  const list = document.createElement("ul");
  list.className = "mention-list";
  list.id = `mention-list-${++counter}`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", area.dataset.mentionsLabel || "@");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  area.after(list, status);
  area.setAttribute("aria-autocomplete", "list");
  area.setAttribute("aria-controls", list.id);
  let people = [];
  let active = -1;
  let pending = null;
  let timer = null;

  const close = () => {
    list.hidden = true;
    people = [];
    active = -1;
    status.textContent = "";
    area.removeAttribute("aria-activedescendant");
  };
  const mark = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) area.setAttribute("aria-activedescendant", list.children[index].id);
  };
  const token = () => {
    const before = area.value.slice(0, area.selectionStart);
    const match = TOKEN.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  };
  const choose = (index) => {
    const person = people[index];
    const found = token();
    if (!person || !found) return close();
    const after = area.value.slice(area.selectionStart);
    const insert = `@${person.username} `;
    area.value = area.value.slice(0, found.start) + insert + after.replace(/^\S*/, "");
    const caret = found.start + insert.length;
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    area.focus();
  };
  const show = (results) => {
    people = results;
    list.replaceChildren(
      ...results.map((person, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.append(person.display_name);
        const user = document.createElement("span");
        user.className = "muted small";
        user.textContent = `@${person.username}`;
        li.append(user);
        li.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the textarea
          choose(i);
        });
        return li;
      }),
    );
    list.hidden = results.length === 0;
    status.textContent = results.length ? (area.dataset.mentionsCount || "%s").replace("%s", results.length) : "";
    mark(results.length ? 0 : -1);
  };
  const lookup = () => {
    const found = token();
    if (!found || found.query.length < 1) return close();
    if (pending) pending.abort();
    pending = new AbortController();
    const url = `${api}?q=${encodeURIComponent(found.query)}&page_size=8`;
    fetch(url, { credentials: "same-origin", signal: pending.signal, headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => show(data.results || []))
      .catch(() => {});
  };

  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  area.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") mark((active + 1) % people.length);
    else if (event.key === "ArrowUp") mark((active - 1 + people.length) % people.length);
    else if (event.key === "Enter" || event.key === "Tab") choose(active);
    else if (event.key === "Escape") close();
    else return;
    event.preventDefault();
  });
  area.addEventListener("blur", () => setTimeout(close, 100));
}

for (const help of document.querySelectorAll("[data-people-api]")) {
  const area = help.closest("form")?.querySelector("textarea[data-mentions]");
  if (area && !area.disabled && !area.closest("fieldset[disabled]")) setup(area, help.dataset.peopleApi);
}
