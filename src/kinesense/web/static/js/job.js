// The job page: asks the server how far the job got every second and shows it; when the job
// ends, reloads the page, which then shows the result or the reason it failed.
const job = document.getElementById("job");
const bar = document.getElementById("job-progress");
const stage = document.getElementById("job-stage");
const percent = document.getElementById("job-percent");
const INTERVAL_MS = 1000;

// As the server's "sentence" filter: a capital when it starts with an ordinary word, a full stop.
function sentence(text) {
  const trimmed = (text || "").trim();
  if (!trimmed) {
    return "";
  }
  const first = trimmed.split(/\s+/)[0].replace(/[,;:]$/, "");
  const ordinary = /^[a-z]+$/.test(first);
  const capital = ordinary ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) : trimmed;
  return /[.!?]$/.test(capital) ? capital : capital + ".";
}

async function poll() {
  try {
    const response = await fetch(job.dataset.jobUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const state = await response.json();
      if (state.status === "done" || state.status === "failed") {
        window.location.reload();
        return;
      }
      bar.value = state.progress;
      stage.textContent = sentence(state.stage);
      percent.textContent = Math.round(100 * state.progress) + "% done";
    }
  } catch {
    // the server is restarting or the network dropped: try again at the next tick
  }
  window.setTimeout(poll, INTERVAL_MS);
}

if (job && bar) {
  window.setTimeout(poll, INTERVAL_MS / 2);
}
