// The upload pages: send the chosen file as the request body, with the form's other choices
// (fields marked data-param) in the address, showing how much was sent, then open the page of
// the job that works on it.
import { csrfToken, reason } from "./csrf.js";

const form = document.getElementById("upload-form");
const input = document.getElementById("file");
const button = document.getElementById("upload-button");
const status = document.getElementById("upload-status");
const bar = document.getElementById("upload-progress");
const percent = document.getElementById("upload-percent");
const error = document.getElementById("upload-error");

// The choices of the form's fields marked data-param (checked ones only, for radio buttons),
// as query parameters; empty choices are left out (the server's defaults apply).
function choices() {
  const params = new URLSearchParams();
  for (const field of form.querySelectorAll("[data-param]")) {
    if ((field.type === "radio" || field.type === "checkbox") && !field.checked) {
      continue;
    }
    if (field.closest("[hidden]") || !field.value) {
      continue;
    }
    params.append(field.dataset.param, field.value);
  }
  return params;
}

function showError(message) {
  error.textContent = message;
  error.hidden = false;
  status.hidden = true;
  button.disabled = false;
}

form?.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = input.files[0];
  if (!file) {
    showError("Please choose a file first.");
    return;
  }
  error.hidden = true;
  status.hidden = false;
  button.disabled = true;
  bar.value = 0;
  percent.textContent = "0% sent";
  const request = new XMLHttpRequest();
  const params = choices();
  params.set("name", file.name);
  request.open("POST", form.dataset.uploadUrl + "?" + params.toString());
  request.setRequestHeader("Content-Type", "application/octet-stream");
  request.setRequestHeader("X-CSRF-Token", csrfToken());
  request.upload.addEventListener("progress", (progress) => {
    if (progress.lengthComputable) {
      bar.value = progress.loaded / progress.total;
      percent.textContent = Math.round((100 * progress.loaded) / progress.total) + "% sent";
    }
  });
  request.addEventListener("load", () => {
    if (request.status === 202) {
      const job = JSON.parse(request.responseText);
      window.location.assign("/jobs/" + encodeURIComponent(job.id));
    } else {
      showError(reason(request.status, request.responseText));
    }
  });
  request.addEventListener("error", () => {
    showError("The upload stopped: check the connection and try again.");
  });
  request.send(file);
});
