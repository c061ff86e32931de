// Registration: the error summary (or a warning) takes the focus on load. On a phone "Lanjut" asks the server
// to check the step being left (POST to the form's data-check address: the page's own rules and messages, and
// the summary and the step's fields rendered by the page's own templates) and shows the next step only when it
// passes; "Kembali" switches back at once. Without JavaScript the buttons are submits and the server does the
// same. Every input stays in the form, so nothing typed is lost. If the check cannot be asked (offline, an
// error), the button submits the form as it would without JavaScript. Each step shown by "Lanjut" is an entry
// of the browser's history: the phone's back button goes back one step (typing kept), not off the form.
const focusable = document.querySelector("[data-focus-on-load]");
if (focusable) focusable.focus();

const narrow = window.matchMedia("(max-width: 47.99em)");

for (const form of document.querySelectorAll("form[data-steps]")) {
  const steps = [...form.querySelectorAll("fieldset[data-step]")];
  const slugs = steps.map((step) => step.dataset.step);
  const stepInput = form.querySelector("[data-step-input]");
  const summaryBox = form.querySelector("[data-error-summary]");
  // The page's title says "Galat: " while there is a problem (as the server's page does).
  const errorPrefix = form.dataset.errorPrefix || "";
  const plainTitle = errorPrefix && document.title.startsWith(errorPrefix) ? document.title.slice(errorPrefix.length) : document.title;
  let busy = false;

  const focusLegend = (slug) => {
    const legend = form.querySelector(`#step-${slug} legend`);
    if (legend) {
      legend.tabIndex = -1;
      legend.focus();
      legend.scrollIntoView({ block: "start" });
    }
  };
  const show = (slug, { focus = true } = {}) => {
    for (const step of steps) step.hidden = step.dataset.step !== slug;
    stepInput.value = slug;
    if (focus) focusLegend(slug);
  };
  // The history: this page's entry knows its step; "Lanjut" adds one; back (the phone's or "Kembali") returns.
  const STATE = "registrationStep";
  history.replaceState({ ...(history.state || {}), [STATE]: stepInput.value }, "");
  window.addEventListener("popstate", (event) => {
    const slug = event.state && event.state[STATE];
    if (slug && slugs.includes(slug)) show(slug);
  });
  // The server's answer: its summary, and the fields it checked (with their messages, or none now).
  const apply = (answer) => {
    for (const [name, html] of Object.entries(answer.fields || {})) {
      const old = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!old) continue;
      const fresh = document.createRange().createContextualFragment(html).firstElementChild;
      if (fresh) old.replaceWith(fresh);
    }
    if (summaryBox) summaryBox.innerHTML = answer.summary_html || "";
    document.title = (answer.ok ? "" : errorPrefix) + plainTitle;
  };
  const check = async (button) => {
    const data = new FormData(form);
    data.set("go", button.dataset.go);
    const response = await fetch(form.dataset.check, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`check: ${response.status}`);
    return response.json();
  };

  form.addEventListener("click", async (event) => {
    // A link of the error summary (or of a warning) to a field in a step not shown: show that step first.
    const link = event.target.closest(".error-summary a[href^='#'], .nik-warning a[href^='#']");
    if (link) {
      const target = form.querySelector(link.getAttribute("href"));
      const step = target && target.closest("fieldset[data-step]");
      if (step && step.hidden) show(step.dataset.step, { focus: false });
      if (target) setTimeout(() => target.focus(), 0);
      return;
    }
    const button = event.target.closest("button[data-go]");
    if (!button || !narrow.matches) return;
    event.preventDefault();
    const from = slugs.indexOf(stepInput.value);
    const to = slugs.indexOf(button.dataset.go);
    if (to <= from) {
      const previous = from > 0 && history.state && history.state.previousStep === button.dataset.go;
      if (previous) history.back(); // the entry "Lanjut" added: popstate shows the step
      else show(button.dataset.go);
      return;
    }
    if (busy) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = await check(button);
    } catch {
      busy = false;
      button.removeAttribute("aria-busy");
      form.requestSubmit(button); // as without JavaScript: the server checks the step and answers the page
      return;
    }
    busy = false;
    button.removeAttribute("aria-busy");
    apply(answer);
    if (answer.ok) {
      if (answer.step !== stepInput.value) {
        history.pushState({ [STATE]: answer.step, previousStep: stepInput.value }, "");
      }
      show(answer.step);
    } else {
      show(answer.step, { focus: false });
      const summary = form.querySelector("#error-summary");
      if (summary) {
        summary.focus();
        summary.scrollIntoView({ block: "start" });
      }
    }
  });
}
