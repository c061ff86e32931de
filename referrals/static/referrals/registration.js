// Registration: the error summary (or the duplicate warning) takes the focus on load, and on a phone the
// "Lanjut"/"Kembali" buttons switch the fieldset shown without a round trip (without JavaScript they are
// submits and the server does the same). Every input stays in the form, so nothing typed is lost.
const focusable = document.querySelector("[data-focus-on-load]");
if (focusable) focusable.focus();

const narrow = window.matchMedia("(max-width: 47.99em)");
for (const form of document.querySelectorAll("form[data-steps]")) {
  const steps = [...form.querySelectorAll("fieldset[data-step]")];
  const stepInput = form.querySelector("[data-step-input]");
  const show = (slug) => {
    for (const step of steps) step.hidden = step.dataset.step !== slug;
    stepInput.value = slug;
    const legend = form.querySelector(`#step-${slug} legend`);
    if (legend) {
      legend.tabIndex = -1;
      legend.focus();
      legend.scrollIntoView({ block: "start" });
    }
  };
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-go]");
    if (!button || !narrow.matches) return;
    event.preventDefault();
    show(button.dataset.go);
  });
  // A link of the error summary to a field in a step not shown: show that step first.
  for (const link of form.querySelectorAll(".error-summary a[href^='#'], .nik-warning a[href^='#']")) {
    link.addEventListener("click", () => {
      const target = form.querySelector(link.getAttribute("href"));
      const step = target && target.closest("fieldset[data-step]");
      if (step && step.hidden) show(step.dataset.step);
      if (target) setTimeout(() => target.focus(), 0);
    });
  }
}
