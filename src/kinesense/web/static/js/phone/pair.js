// The pairing page on the computer: asks the server every second how the phone's recording is
// going, and shows the result's link when it is saved (or why it failed).
const pairing = document.getElementById("pairing");
const statusLine = document.getElementById("pair-status");
const resultLink = document.getElementById("pair-result");
const INTERVAL_MS = 1000;
const WORDS = {
  waiting: "Waiting for the phone…",
  recording: "The phone is recording. Stay in position until it says it is done.",
  expired: "The code has expired: make a new one.",
  unknown: "This code is no longer known (was kinesense restarted?): make a new one.",
};

function show(state) {
  statusLine.dataset.state = state.status;
  if (state.status === "done") {
    statusLine.textContent = "Saved. " + (state.message || "");
    if (state.result_url) {
      resultLink.href = state.result_url;
      resultLink.hidden = false;
    }
    return true;
  }
  if (state.status === "failed") {
    statusLine.textContent = "The recording could not be used: " + (state.message || "unknown reason");
    return true;
  }
  statusLine.textContent = WORDS[state.status] || state.status;
  return state.status === "expired" || state.status === "unknown";
}

async function poll() {
  try {
    const response = await fetch(pairing.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok && show(await response.json())) {
      return;
    }
  } catch {
    // the server is restarting or the network dropped: try again at the next tick
  }
  window.setTimeout(poll, INTERVAL_MS);
}

if (pairing && statusLine) {
  window.setTimeout(poll, INTERVAL_MS / 2);
}
