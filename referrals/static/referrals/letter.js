// The referral letter's print button: without JavaScript the page says to use the browser's Print command.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.onclick = () => window.print(); // one handler, however often this module runs
  for (const hint of document.querySelectorAll("[data-print-hint]")) hint.hidden = true;
}
