// The chat client shared by the chat page (/) and the widget's page (/widget). It keeps the client
// token in localStorage (never the socket id, which changes on every connection), shows the
// history again after a reload, and talks to the gateway over a WebSocket, reconnecting with backoff.
(function () {
  "use strict";
  const TOKEN_KEY = "waypoint.client_token";
  // Messages written but not yet taken by the gateway (disconnected, or its database away for a
  // moment) wait here, shown as "waiting to send", and go as soon as it can take them.
  const OUTBOX_KEY = "waypoint.outbox";
  const FIRST_RETRY_MS = 500;
  const LONGEST_RETRY_MS = 10000;
  // If no reply and no "queued" notice comes (a turn that failed on the way), the typing indicator
  // must not promise a reply for ever.
  const TYPING_TIMEOUT_MS = 45000;
  // Screen readers read what is added to the announcer; old lines are dropped so it stays small.
  const ANNOUNCEMENTS_KEPT = 5;

  const log = document.getElementById("log");
  const statusLine = document.getElementById("status");
  const typingLine = document.getElementById("typing");
  const announcer = document.getElementById("announcer");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const shown = new Set();
  const outbox = readOutbox();
  let outboxTimer = null;
  let inFlight = null;  // the ref of the message sent on this socket and not yet answered "accepted" or refused
  let currentToken = null;
  let socket = null;
  let retryDelay = FIRST_RETRY_MS;
  let typingTimer = null;
  // The history shown at start is read on request; only what arrives after it is announced.
  let historyShown = false;
  // The chat was ended on this device: nothing reconnects or starts a new conversation by itself.
  let ended = false;
  // The history is read from the newest message back, a page at a time: the cursor of the page older
  // than what is shown (undefined before the first page, null when there is nothing older).
  let olderBefore;
  let loadingOlder = false;
  const olderItem = document.createElement("li");
  olderItem.className = "older";
  const olderButton = document.createElement("button");
  olderButton.type = "button";
  olderButton.className = "link-button";
  olderButton.textContent = "Show earlier messages";
  olderButton.addEventListener("click", function () { loadOlder(); });
  olderItem.appendChild(olderButton);
  // Scrolling up to the top of the conversation loads the page before it, as pressing the button does.
  const olderWatcher = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) loadOlder();
    })
    : null;

  function setStatus(text) { statusLine.textContent = text || ""; }

  function setTyping(on) {
    clearTimeout(typingTimer);
    typingLine.textContent = on ? "Waypoint is writing" : "";
    typingLine.classList.toggle("active", on);
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, TYPING_TIMEOUT_MS);
  }

  function announce(message) {
    // A message the client's practitioner wrote is announced as theirs (its label names them).
    let words = (message.author ? message.author.label + ": " : "Waypoint: ") + (message.text || "sent a picture.");
    if (message.buttons && message.buttons.length) {
      words += " Choices: " + message.buttons.map(function (b) { return b.title; }).join("; ") + ".";
    }
    const line = document.createElement("p");
    line.textContent = words;
    announcer.appendChild(line);
    while (announcer.childElementCount > ANNOUNCEMENTS_KEPT) announcer.firstElementChild.remove();
  }

  function quickReplies(message) {
    const row = document.createElement("div");
    row.className = "buttons";
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "Choices");
    message.buttons.forEach(function (button) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.title;
      element.addEventListener("click", function (event) {
        if (!send(button.title, button.payload)) return;
        element.classList.add("chosen");
        retire(row);
        // The pressed button is now disabled: keep the keyboard where the next answer is written,
        // except after a tap, where it would open the on-screen keyboard over the conversation.
        if (event.pointerType !== "touch") input.focus();
      });
      row.appendChild(element);
    });
    return row;
  }

  // Buttons answered already (by a press or by a message written after them) are not pressed twice.
  function retire(row) {
    row.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  }

  function retireQuickRepliesBefore(item) {
    for (let older = item.previousElementSibling; older; older = older.previousElementSibling) {
      older.querySelectorAll(".buttons").forEach(retire);
    }
  }

  function messageItem(message) {
    const item = document.createElement("li");
    item.className = message.direction === "in" ? "in" : message.direction === "out" ? "out" : "notice";
    if (message.id !== undefined) item.dataset.id = String(message.id);
    // A message the client's practitioner wrote says so for everyone to see, and where replies go.
    const author = message.direction === "out" && message.author ? message.author : null;
    if (author) {
      item.classList.add("from-practitioner");
      const label = document.createElement("span");
      label.className = "author";
      label.textContent = author.label + ":";
      item.appendChild(label);
    }
    // Who said it is shown by the bubble's side and colour; a screen reader needs it in words.
    const speaker = author ? null : { in: "You: ", out: "Waypoint: " }[message.direction];
    if (speaker) {
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = speaker;
      item.appendChild(label);
    }
    if (message.text) item.appendChild(document.createTextNode(message.text));
    if (author) {
      const note = document.createElement("span");
      note.className = "author-note";
      note.textContent = author.note;
      item.appendChild(note);
    }
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
      // The bot sends pictures of what the message says in words (the decision matrix).
      image.alt = message.text ? "A picture of what this message says in words" : "A picture from Waypoint";
      item.appendChild(image);
    }
    if (message.buttons && message.buttons.length) item.appendChild(quickReplies(message));
    return item;
  }

  // Messages go in the order of their ids, whether they came from the history or the socket.
  function insert(item, id) {
    if (id !== undefined) {
      for (const other of log.children) {
        if (other.dataset.id !== undefined && Number(other.dataset.id) > id) {
          log.insertBefore(item, other);
          return;
        }
      }
    }
    log.appendChild(item);
  }

  function scrollToLatest(item) {
    // In the widget the log scrolls by itself; scrolling into view there would scroll the website too.
    if (getComputedStyle(log).overflowY === "auto") log.scrollTop = log.scrollHeight;
    else item.scrollIntoView({ block: "end" });
  }

  // `older`: a message from an earlier page of the history, put above what is shown, quietly.
  function render(message, older) {
    if (message.id !== undefined) {
      if (shown.has(message.id)) return;
      shown.add(message.id);
    }
    if (!message.text && !message.image && !message.attachment) return;
    const item = messageItem(message);
    insert(item, message.id);
    if (message.direction === "in") retireQuickRepliesBefore(item);
    if (older) return;
    if (message.direction === "out" && historyShown) {
      setTyping(false);
      announce(message);
      // The widget's frame tells the website (a badge on the closed bubble): see widget-frame.js.
      document.dispatchEvent(new CustomEvent("waypoint:reply"));
    }
    scrollToLatest(item);
  }

  async function token() {
    let value = localStorage.getItem(TOKEN_KEY);
    if (value) return value;
    const response = await fetch("/api/sessions", { method: "POST" });
    if (response.status === 429) {
      // Too many new conversations from this network lately: say so, and try again when it allows.
      const refusal = new Error((await response.json()).message);
      refusal.retryAfter = Number(response.headers.get("Retry-After")) || 60;
      throw refusal;
    }
    if (!response.ok) throw new Error("could not start a session");
    value = (await response.json()).client_token;
    localStorage.setItem(TOKEN_KEY, value);
    return value;
  }

  function dropParameter(name) {
    const params = new URLSearchParams(location.search);
    params.delete(name);
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }

  // A link from /link on Telegram (/?link=CODE) makes this chat continue that conversation. It is
  // redeemed before a session is started, so that opening it makes no empty conversation first.
  async function redeemLink() {
    const code = new URLSearchParams(location.search).get("link");
    if (!code) return null;
    // Asked first: a link someone else sent would show them everything written here.
    if (!(await confirmLink())) { dropParameter("link"); return null; }
    const current = localStorage.getItem(TOKEN_KEY);
    const ask = function (clientToken) {
      const headers = { "Content-Type": "application/json" };
      if (clientToken) headers.Authorization = "Bearer " + clientToken;
      return fetch("/api/link-codes/redeem", { method: "POST", headers: headers, body: JSON.stringify({ code: code }) });
    };
    let response = await ask(current);
    if (response.status === 401 && current) response = await ask(null);  // a token of a deleted conversation
    const data = await response.json();
    if (response.ok) localStorage.setItem(TOKEN_KEY, data.client_token);
    dropParameter("link");
    return data.message;
  }

  function confirmLink() {
    return choose(
      "This link continues here a conversation started on Telegram. Only do this if you started it " +
      "yourself: whoever has that conversation can read what you write here.",
      [{ title: "Continue that conversation", value: true }, { title: "No, stay here", value: false }]);
  }

  // A question of the page's own (not the bot's), answered with one of its buttons; resolves to its value.
  function choose(text, choices) {
    return new Promise(function (resolve) {
      const item = document.createElement("li");
      item.className = "notice";
      item.appendChild(document.createTextNode(text));
      const row = document.createElement("div");
      row.className = "buttons";
      choices.forEach(function (choice) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.title;
        button.addEventListener("click", function () { item.remove(); resolve(choice.value); });
        row.appendChild(button);
      });
      item.appendChild(row);
      log.appendChild(item);
      announce({ text: text, buttons: choices });
    });
  }

  // A practitioner's invitation link (/?invite=CODE) binds this client to them, once. A client who
  // has another practitioner is asked first, in the gateway's words, and nothing moves unless they say so.
  async function redeemInvite(clientToken) {
    const params = new URLSearchParams(location.search);
    const code = params.get("invite");
    if (!code) return;
    const redeem = function (move) {
      return fetch("/api/invites/redeem", {
        method: "POST",
        headers: { Authorization: "Bearer " + clientToken, "Content-Type": "application/json" },
        body: JSON.stringify(move === undefined ? { code: code } : { code: code, move: move }),
      });
    };
    let response = await redeem();
    if (response.status === 401) return;
    let data = await response.json();
    if (data.outcome === "confirm_move") {
      const move = await choose(data.message, data.choices.map(function (c) { return { title: c.title, value: c.move }; }));
      response = await redeem(move);
      data = await response.json();
    }
    render({ direction: "notice", text: data.message });
    dropParameter("invite");
  }

  async function loadHistory(clientToken) {
    const response = await fetch("/api/messages", { headers: { Authorization: "Bearer " + clientToken } });
    if (response.status === 401) { localStorage.removeItem(TOKEN_KEY); return false; }
    if (!response.ok) throw new Error("could not read the history");
    const page = await response.json();
    const messages = page.messages;
    messages.forEach(function (message) { render(message); });
    if (olderBefore === undefined) {
      olderBefore = page.next_before;
      showOlderControl();
    }
    if (!historyShown) {
      historyShown = true;
      // A new conversation (the bot's greeting is on its way) or a message still waiting for its answer.
      const last = messages[messages.length - 1];
      if (!last || (last.direction === "in" && last.status === "pending")) setTyping(true);
    }
    return true;
  }

  function showOlderControl() {
    if (!olderBefore) { olderItem.remove(); return; }
    if (log.firstElementChild !== olderItem) log.prepend(olderItem);
    if (olderWatcher) {
      // Watched afresh, so that it is loaded again if it is still in view after a short page.
      olderWatcher.unobserve(olderItem);
      olderWatcher.observe(olderItem);
    }
  }

  // The page of messages before the oldest one shown, put above it without moving what the client is reading.
  async function loadOlder() {
    const clientToken = localStorage.getItem(TOKEN_KEY);
    if (loadingOlder || !olderBefore || !clientToken) return;
    loadingOlder = true;
    try {
      const response = await fetch("/api/messages?before=" + olderBefore, { headers: { Authorization: "Bearer " + clientToken } });
      if (!response.ok) return;
      const page = await response.json();
      const scroller = getComputedStyle(log).overflowY === "auto" ? log : document.scrollingElement;
      const heightBefore = scroller.scrollHeight;
      page.messages.forEach(function (message) { render(message, true); });
      scroller.scrollTop += scroller.scrollHeight - heightBefore;
      olderBefore = page.next_before;
    } catch (error) {
      setStatus("I couldn't load the earlier messages just now. Scroll up again in a moment.");
    } finally {
      loadingOlder = false;
    }
    showOlderControl();
  }

  function readOutbox() {
    try {
      const kept = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) || "[]");
      return Array.isArray(kept) ? kept : [];
    } catch (error) {
      return [];
    }
  }

  function saveOutbox() { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox)); }

  function isWaiting(ref) {
    return Boolean(log.querySelector('li.waiting[data-ref="' + CSS.escape(ref) + '"]'));
  }

  function showWaiting(entry) {
    if (isWaiting(entry.ref)) return;
    const item = messageItem({ direction: "in", text: entry.text });
    item.classList.add("waiting");
    item.dataset.ref = entry.ref;
    const note = document.createElement("span");
    note.className = "waiting-note";
    note.textContent = " (waiting to send)";
    item.appendChild(note);
    log.appendChild(item);
    scrollToLatest(item);
  }

  function settle(ref) {
    const index = outbox.findIndex(function (entry) { return entry.ref === ref; });
    if (index >= 0) { outbox.splice(index, 1); saveOutbox(); }
    if (isWaiting(ref)) log.querySelector('li.waiting[data-ref="' + CSS.escape(ref) + '"]').remove();
    if (inFlight === ref) inFlight = null;
  }

  // One message at a time, oldest first, so that they arrive in the order they were written. One
  // sent again (its "accepted" lost with a dropped connection) is stored once: the gateway knows its ref.
  function pump() {
    clearTimeout(outboxTimer);
    if (inFlight || !outbox.length || !socket || socket.readyState !== WebSocket.OPEN) return;
    const entry = outbox[0];
    if (entry.token && entry.token !== currentToken) {
      settle(entry.ref);  // written in a conversation that is gone: not carried into another
      return pump();
    }
    inFlight = entry.ref;
    socket.send(JSON.stringify({ type: "message", text: entry.text, payload: entry.payload, ref: entry.ref }));
    setTyping(true);
  }

  function retryLater(ref, seconds) {
    if (inFlight === ref) inFlight = null;
    const entry = outbox.find(function (kept) { return kept.ref === ref; });
    if (entry) showWaiting(entry);
    clearTimeout(outboxTimer);
    outboxTimer = setTimeout(pump, 1000 * seconds);
  }

  function send(text, payload) {
    if (ended) { setStatus("The chat has ended on this device. Press \u201cStart a new chat\u201d to begin again."); return false; }
    const entry = {
      ref: Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10),
      text: text,
      payload: payload || null,
      token: localStorage.getItem(TOKEN_KEY),
    };
    outbox.push(entry);
    saveOutbox();
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showWaiting(entry);
      setStatus("Not connected just now. Your message is kept and goes as soon as Waypoint is back.");
    } else if (outbox.length > 1) {
      showWaiting(entry);  // it goes after the ones written before it
    } else {
      setStatus("");
    }
    pump();
    return true;
  }

  // Errors after which a message is kept and sent again; any other refuses it for good (too long, empty...).
  const TRY_AGAIN_AFTER = { database_unavailable: 5, internal_error: 5, missing_token: 5, too_many_messages: 20 };

  function onFrame(clientToken, data) {
    if (data.type === "ready") {
      retryDelay = FIRST_RETRY_MS;
      currentToken = clientToken;
      inFlight = null;
      setStatus("");
      loadHistory(clientToken).catch(function () {}).then(function () {
        outbox.forEach(function (entry) { if (!entry.token || entry.token === currentToken) showWaiting(entry); });
        pump();
      });
    }
    else if (data.type === "accepted") { settle(data.ref); setStatus(""); render(data.message); pump(); }
    else if (data.type === "message") { setStatus(""); render(data.message); }
    else if (data.type === "status" && data.status === "queued") {
      setTyping(false);
      setStatus("One moment: Waypoint is getting ready and will answer shortly.");
    }
    else if (data.type === "ended") endHere(data.message);
    else if (data.type === "error" && data.error === "unknown_client") {
      // The client's data was deleted at their request: start afresh as a new client.
      localStorage.removeItem(TOKEN_KEY);
      outbox.length = 0;  // what they wrote to the deleted conversation is not carried into a new one
      saveOutbox();
      inFlight = null;
      log.replaceChildren();
      shown.clear();
      historyShown = false;
      olderBefore = undefined;
      socket.close();
    }
    else if (data.type === "error" && data.ref && data.error in TRY_AGAIN_AFTER) {
      // Kept and sent again in a moment; the gateway's message says what is happening.
      setTyping(false);
      setStatus(data.message);
      retryLater(data.ref, data.retry_after || TRY_AGAIN_AFTER[data.error]);
    }
    else if (data.type === "error") {
      if (data.ref) { settle(data.ref); pump(); }  // refused for good: it is not sent again
      setTyping(false);
      setStatus(data.message);
    }
  }

  async function connect() {
    if (ended) return;  // a reconnection planned before the chat was ended here
    let clientToken;
    try {
      const linkNotice = await redeemLink();
      clientToken = await token();
      if (!(await loadHistory(clientToken))) clientToken = await token();
      if (linkNotice) render({ direction: "notice", text: linkNotice });
      await redeemInvite(clientToken);
    } catch (error) {
      if (error.retryAfter) {
        setTyping(false);
        setStatus(error.message);
        return setTimeout(connect, 1000 * error.retryAfter);
      }
      setStatus("Can't reach Waypoint right now. Retrying…");
      return reconnectLater();
    }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/api/ws");
    socket.addEventListener("open", function () {
      socket.send(JSON.stringify({ type: "hello", client_token: clientToken }));
    });
    socket.addEventListener("message", function (event) { onFrame(clientToken, JSON.parse(event.data)); });
    socket.addEventListener("close", function () { inFlight = null; setTyping(false); if (!ended) reconnectLater(); });
  }

  function reconnectLater() {
    // A little randomness keeps many clients from reconnecting in step after a restart.
    setTimeout(connect, retryDelay * (0.8 + Math.random() * 0.4));
    retryDelay = Math.min(retryDelay * 2, LONGEST_RETRY_MS);
  }

  // "Continue on Telegram": a one-time code that links a Telegram account to this conversation.
  const linkButton = document.getElementById("link-telegram");
  if (linkButton) linkButton.addEventListener("click", async function () {
    const clientToken = localStorage.getItem(TOKEN_KEY);
    if (!clientToken) { setStatus("Start the conversation first, then link Telegram."); return; }
    const response = await fetch("/api/link-codes", { method: "POST", headers: { Authorization: "Bearer " + clientToken } });
    if (!response.ok) { setStatus("I couldn't make a code just now. Please try again in a moment."); return; }
    const data = await response.json();
    const item = document.createElement("li");
    item.className = "notice";
    item.appendChild(document.createTextNode(
      "To go on in Telegram, send /link " + data.code + " to the bot there" +
      (data.telegram_link ? ", or open this link: " : ". ")));
    if (data.telegram_link) {
      const link = document.createElement("a");
      link.href = data.telegram_link;
      link.rel = "noopener";
      link.target = "_blank";
      link.textContent = "continue on Telegram";
      item.appendChild(link);
      item.appendChild(document.createTextNode(". "));
    }
    item.appendChild(document.createTextNode("The code works once, for 15 minutes. Both chats then lead to the same conversation."));
    log.appendChild(item);
    announce({ text: item.textContent });
    scrollToLatest(item);
  });

  // "End the chat on this device", for a shared or borrowed computer: the gateway stops taking this
  // browser's token and closes its windows, and the page forgets it. The conversation stays for the
  // client's other devices.
  const endButton = document.getElementById("end-chat");
  endButton.addEventListener("click", async function () {
    const clientToken = localStorage.getItem(TOKEN_KEY);
    if (!clientToken) { endHere("There is no chat on this device."); return; }
    const sure = await choose(
      "End the chat on this device? This browser will then no longer open our conversation, and what is " +
      "shown here goes. The conversation itself is kept: you can go on with it on another device you linked " +
      "(such as Telegram). To delete it instead, say \"delete my data\".",
      [{ title: "End the chat here", value: true }, { title: "Keep chatting", value: false }]);
    if (!sure) return;
    const response = await fetch("/api/sessions/end", { method: "POST", headers: { Authorization: "Bearer " + clientToken } });
    if (response.status === 401) { endHere("The chat has ended on this device."); return; }
    if (!response.ok) { setStatus("I couldn't end the chat just now. Please try again in a moment."); return; }
    endHere((await response.json()).message);
  });

  function endHere(message) {
    ended = true;
    localStorage.removeItem(TOKEN_KEY);
    outbox.length = 0;  // nothing written here is sent anywhere later
    saveOutbox();
    inFlight = null;
    currentToken = null;
    if (socket) socket.close();
    log.replaceChildren();
    shown.clear();
    historyShown = false;
    olderBefore = undefined;
    setTyping(false);
    setStatus("");
    const item = document.createElement("li");
    item.className = "notice";
    item.appendChild(document.createTextNode(message));
    const row = document.createElement("div");
    row.className = "buttons";
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = "Start a new chat";
    again.addEventListener("click", function () { ended = false; item.remove(); connect(); });
    row.appendChild(again);
    item.appendChild(row);
    log.appendChild(item);
    announce({ text: message, buttons: [{ title: "Start a new chat" }] });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { setStatus("Write something first."); return; }
    // Checked here rather than with maxlength, which cuts a long paste short without a word.
    const limit = Number(input.dataset.maxChars || 0);
    if (limit && text.length > limit) {
      setStatus("That message is " + text.length + " characters; I can take " + limit + ". Could you shorten it, or send it in parts?");
      return;
    }
    if (send(text, null)) input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  connect();
})();
