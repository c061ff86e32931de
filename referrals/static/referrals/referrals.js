// Referral form: choosing a service shows its agencies at once (the "Show agencies" button does the same
// without JavaScript).
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  const select = form.querySelector("select");
  if (select) select.addEventListener("change", () => form.requestSubmit());
}
