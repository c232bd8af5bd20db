// "Try it" on a script's page: a text conversation with the agent over its websocket (agent/try_consumer.py).
// Each line goes in the log as the agent sends it: its words (the language model's sentence by sentence, marked),
// how it understood yours, the tools it used and what they did, and where the call ended.
(function () {
  const section = document.getElementById("script-try");
  if (!section) return;
  const log = document.getElementById("try-log");
  const status = document.getElementById("try-status");
  const form = document.getElementById("try-form");
  const words = document.getElementById("try-words");
  const controls = form.querySelectorAll("input, button");
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(scheme + location.host + section.dataset.socket);

  function add(kind, text, note) {
    const item = document.createElement("li");
    item.className = "try-" + kind;
    const who = document.createElement("strong");
    who.textContent = { you: "You", agent: "Agent", tool: "Tool", understood: "Heard as", ended: "Call ended" }[kind] + ": ";
    item.append(who, document.createTextNode(text));
    if (note) {
      const small = document.createElement("span");
      small.className = "muted";
      small.textContent = " (" + note + ")";
      item.append(small);
    }
    log.append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function enable(on) {
    controls.forEach((control) => { control.disabled = !on; });
  }

  socket.addEventListener("open", () => { status.textContent = "Connected."; });
  socket.addEventListener("close", (event) => {
    enable(false);
    status.textContent = event.code === 4403 ? "Not allowed." : "Disconnected: reload the page to try again.";
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.kind === "ready") {
      log.replaceChildren();
      status.textContent = "Ready: " + message.policy + ". You are " + message.callee + "; the agent waits for your hello.";
      enable(true);
      words.focus();
    } else if (message.kind === "agent") {
      add("agent", message.text, message.by === "model" ? "the language model's words" : "");
    } else if (message.kind === "understood") {
      add("understood", message.label);
    } else if (message.kind === "model") {
      add("understood", message.note);
    } else if (message.kind === "tool") {
      add("tool", message.name + " — " + message.detail);
    } else if (message.kind === "waiting") {
      add("agent", "…", "waiting quietly");
    } else if (message.kind === "ended") {
      add("ended", message.outcome);
      status.textContent = "The call ended (" + message.outcome + "). Start again to try another.";
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const said = words.value.trim();
    if (!said) return;
    add("you", said);
    socket.send(JSON.stringify({ say: said }));
    words.value = "";
  });
  document.getElementById("try-silence").addEventListener("click", () => {
    add("you", "…", "silence");
    socket.send(JSON.stringify({ silence: true }));
  });
  document.getElementById("try-restart").addEventListener("click", () => {
    socket.send(JSON.stringify({ restart: true }));
  });
})();
