// Minimal chat page: keeps the client token in localStorage, shows the history and
// talks to the gateway over a WebSocket, reconnecting with backoff.
(function () {
  "use strict";
  const TOKEN_KEY = "waypoint.client_token";
  const log = document.getElementById("log");
  const statusLine = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const shown = new Set();
  let socket = null;
  let retryDelay = 500;

  function setStatus(text) { statusLine.textContent = text || ""; }

  function render(message) {
    if (message.id !== undefined) {
      if (shown.has(message.id)) return;
      shown.add(message.id);
    }
    if (!message.text && !message.image && !message.attachment) return;
    const item = document.createElement("li");
    item.className = message.direction === "in" ? "in" : message.direction === "out" ? "out" : "notice";
    if (message.text) item.appendChild(document.createTextNode(message.text));
    if (message.attachment) {
      const link = document.createElement("a");
      link.href = message.attachment;
      link.textContent = "Download the file";
      link.setAttribute("download", "");
      item.appendChild(document.createElement("br"));
      item.appendChild(link);
    }
    if (message.image) {
      const image = document.createElement("img");
      image.src = message.image;
      image.alt = "Image from Waypoint";
      image.style.maxWidth = "100%";
      item.appendChild(image);
    }
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      message.buttons.forEach(function (button) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.title;
        element.addEventListener("click", function () { send(button.title, button.payload); });
        row.appendChild(element);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  async function token() {
    let value = localStorage.getItem(TOKEN_KEY);
    if (value) return value;
    const response = await fetch("/api/sessions", { method: "POST" });
    if (!response.ok) throw new Error("could not start a session");
    value = (await response.json()).client_token;
    localStorage.setItem(TOKEN_KEY, value);
    return value;
  }

  // A practitioner's invitation link (/?invite=CODE) binds this client to them, once.
  async function redeemInvite(clientToken) {
    const params = new URLSearchParams(location.search);
    const code = params.get("invite");
    if (!code) return;
    const response = await fetch("/api/invites/redeem", {
      method: "POST",
      headers: { Authorization: "Bearer " + clientToken, "Content-Type": "application/json" },
      body: JSON.stringify({ code: code }),
    });
    if (response.status === 401) return;
    const data = await response.json();
    render({ direction: "notice", text: data.message });
    params.delete("invite");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }

  async function loadHistory(clientToken) {
    const response = await fetch("/api/messages", { headers: { Authorization: "Bearer " + clientToken } });
    if (response.status === 401) { localStorage.removeItem(TOKEN_KEY); return false; }
    const data = await response.json();
    data.messages.forEach(render);
    return true;
  }

  function send(text, payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      setStatus("Not connected yet; trying again…");
      return;
    }
    socket.send(JSON.stringify({ type: "message", text: text, payload: payload || null }));
  }

  async function connect() {
    let clientToken;
    try {
      clientToken = await token();
      if (!(await loadHistory(clientToken))) clientToken = await token();
      await redeemInvite(clientToken);
    } catch (error) {
      setStatus("Can't reach Waypoint right now. Retrying…");
      return reconnectLater();
    }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/api/ws");
    socket.addEventListener("open", function () {
      socket.send(JSON.stringify({ type: "hello", client_token: clientToken }));
    });
    socket.addEventListener("message", function (event) {
      const data = JSON.parse(event.data);
      if (data.type === "ready") { retryDelay = 500; setStatus(""); loadHistory(clientToken); }
      else if (data.type === "accepted" || data.type === "message") { setStatus(""); render(data.message); }
      else if (data.type === "status" && data.status === "queued") { setStatus("One moment: Waypoint is getting ready and will answer shortly."); }
      else if (data.type === "error" && data.error === "unknown_client") {
        // The client's data was deleted at their request: start afresh as a new client.
        localStorage.removeItem(TOKEN_KEY);
        log.replaceChildren();
        socket.close();
      }
      else if (data.type === "error") { setStatus(data.message); }
    });
    socket.addEventListener("close", reconnectLater);
  }

  function reconnectLater() {
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { setStatus("Write something first."); return; }
    send(text, null);
    input.value = "";
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  connect();
})();
