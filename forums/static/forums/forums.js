// Small enhancements; every page works without them.
// 1. A form marked data-once disables its submit button once sent (the server also ignores a second copy).
for (const form of document.querySelectorAll("form[data-once]")) {
  form.addEventListener("submit", (event) => {
    // A disabled button is not sent: keep which one was pressed (e.g. "publish" or "save draft").
    const pressed = event.submitter;
    if (pressed && pressed.name) {
      const keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = pressed.name;
      keep.value = pressed.value;
      form.append(keep);
    }
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
  });
}
// 2. Keep a draft of a long reply if the connection drops before it is sent.
for (const area of document.querySelectorAll("form[data-once] textarea")) {
  const key = "pelita-draft:" + location.pathname + ":" + area.name;
  if (!area.value && sessionStorage.getItem(key)) area.value = sessionStorage.getItem(key);
  area.addEventListener("input", () => sessionStorage.setItem(key, area.value));
  area.form.addEventListener("submit", () => sessionStorage.removeItem(key));
}
