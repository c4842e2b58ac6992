// The chat page inside the widget's frame, talking to widget.js on the website around it.
// The messages carry no content (only "close", "opened", "reply"), so the website's origin,
// which this page cannot know in advance, need not be checked before posting to it.
(function () {
  "use strict";
  if (window.parent === window) return;
  const log = document.getElementById("log");

  function tellWebsite(type) { window.parent.postMessage({ waypoint: type }, "*"); }

  // Escape inside the frame never reaches the website's page: ask it to close the panel.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tellWebsite("close");
  });
  // A reply (or a check-in pushed by the gateway) while the panel may be closed: the bubble shows a badge.
  document.addEventListener("waypoint:reply", function () { tellWebsite("reply"); });

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data) return;
    // While the panel was hidden the log had no size to scroll; show the latest message now.
    if (event.data.waypoint === "opened") log.scrollTop = log.scrollHeight;
  });
})();
