// The print view's button (a file, because the portal's CSP allows no inline script).
document.getElementById("print-button")?.addEventListener("click", () => window.print());
