// Keeps the dashboard current: every second it asks the portal what is waiting, and when a
// new handoff or urgent flag arrives (or one is dealt with elsewhere) it reloads the page, so
// nothing needs a manual refresh. It never reloads while the practitioner is typing.
(() => {
  const holder = document.getElementById("updates");
  const notice = document.getElementById("update-notice");
  if (!holder) return;
  const shown = JSON.stringify(JSON.parse(holder.dataset.signature));
  const POLL_MS = 1000;

  const typing = () => {
    const active = document.activeElement;
    return active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
  };

  async function check() {
    try {
      const response = await fetch(holder.dataset.feed, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401) {
        window.location.assign("/portal/login?next=/portal/");
        return;
      }
      if (response.ok && JSON.stringify(await response.json()) !== shown) {
        if (typing()) {
          notice.textContent = "Something new has arrived. Reload the page to see it.";
        } else {
          notice.textContent = "Something new has arrived: updating…";
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(check, POLL_MS);
  }
  window.setTimeout(check, POLL_MS);
})();
