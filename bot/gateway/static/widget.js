// Waypoint's chat widget for any website. The website includes this one script:
//
//   <script src="https://bot.example.org/widget/widget.js"
//           data-title="Talk to Waypoint" data-position="right" defer></script>
//
// It adds a chat bubble and a panel holding an <iframe> of the gateway's own /widget page, so the
// chat, its WebSocket and the client token stay on the gateway's origin. The configuration is read
// from data- attributes rather than an inline script, so websites (and the gateway's demo page)
// with a Content-Security-Policy need no 'unsafe-inline'. Bubble and panel live in a shadow root:
// the website's styles do not reach them and theirs do not reach the website.
(function () {
  "use strict";
  if (window.waypointWidgetLoaded) return; // the script was included twice
  window.waypointWidgetLoaded = true;

  const script = document.currentScript || document.querySelector('script[src$="/widget/widget.js"]');
  const gateway = new URL(script.src, location.href).origin;
  const title = script.dataset.title || "Talk to Waypoint";
  const position = script.dataset.position === "left" ? "left" : "right";
  // Only a flag, never the client token (which stays in the gateway's own storage): a returning
  // visitor's chat connects at once, so check-ins the gateway pushes reach them on the page.
  const USED_KEY = "waypoint.widget.used";
  const PANEL_ID = "waypoint-panel";
  const SVG = "http://www.w3.org/2000/svg";

  let frame = null;
  let frameLoaded = false;
  let unread = 0;

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function chatIcon() {
    const icon = document.createElementNS(SVG, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
    icon.appendChild(path);
    return icon;
  }

  function remember() {
    try { localStorage.setItem(USED_KEY, "1"); } catch (error) { /* storage disabled: lazy loading only */ }
  }

  function usedBefore() {
    try { return localStorage.getItem(USED_KEY) === "1"; } catch (error) { return false; }
  }

  // --- the parts ---------------------------------------------------------------------------
  const host = element("div", "waypoint-widget-host");
  const root = host.attachShadow({ mode: "open" });
  const widget = element("div", "widget " + position);
  widget.hidden = true; // until its stylesheet is there, so the bubble never flashes unstyled
  const styles = element("link");
  styles.rel = "stylesheet";
  styles.href = gateway + "/widget/widget.css";
  styles.addEventListener("load", function () { widget.hidden = false; });
  styles.addEventListener("error", function () { widget.hidden = false; });

  const bubble = element("button", "bubble");
  bubble.type = "button";
  bubble.setAttribute("aria-expanded", "false");
  bubble.setAttribute("aria-controls", PANEL_ID);
  bubble.appendChild(chatIcon());
  const badge = element("span", "badge");
  badge.setAttribute("aria-hidden", "true");
  badge.hidden = true;
  bubble.appendChild(badge);

  const panel = element("div", "panel");
  panel.id = PANEL_ID;
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", title);
  panel.hidden = true;
  const header = element("div", "header");
  header.appendChild(element("p", "title", title));
  // Room here for more header buttons later (such as continuing on Telegram).
  const closeButton = element("button", "close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "Close the chat");
  const cross = element("span", "", "×");
  cross.setAttribute("aria-hidden", "true");
  closeButton.appendChild(cross);
  header.appendChild(closeButton);
  panel.appendChild(header);

  // --- behaviour ---------------------------------------------------------------------------
  function nameBubble() {
    const news = unread === 1 ? " (1 new message)" : unread > 1 ? " (" + unread + " new messages)" : "";
    // aria-expanded says whether it is open; the name stays the same apart from the news.
    bubble.setAttribute("aria-label", title + news);
    badge.textContent = String(unread);
    badge.hidden = unread === 0;
  }

  function loadChat() {
    if (frame) return;
    frame = element("iframe", "frame");
    frame.title = "Waypoint chat";
    frame.src = gateway + "/widget";
    frame.addEventListener("load", function () { frameLoaded = true; });
    panel.appendChild(frame);
  }

  function tellChat(type) {
    // Before it has loaded, the frame holds about:blank, and posting to the gateway's origin fails.
    if (frameLoaded) frame.contentWindow.postMessage({ waypoint: type }, gateway);
  }

  function open() {
    loadChat();
    remember();
    panel.hidden = false;
    unread = 0;
    bubble.setAttribute("aria-expanded", "true");
    nameBubble();
    tellChat("opened");
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    bubble.setAttribute("aria-expanded", "false");
    nameBubble();
    bubble.focus();
  }

  bubble.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { event.stopPropagation(); close(); }
  });
  // The chat in the frame asks to close (Escape pressed inside it) and tells of new replies.
  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== gateway || !event.data) return;
    if (event.data.waypoint === "close") close();
    else if (event.data.waypoint === "reply" && panel.hidden) { unread += 1; nameBubble(); }
  });

  root.appendChild(styles);
  widget.appendChild(bubble);
  widget.appendChild(panel);
  root.appendChild(widget);
  nameBubble();
  function attach() {
    document.body.appendChild(host);
    if (usedBefore()) loadChat();
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();
