// The page's CSRF token, for script calls that change something (sent as X-CSRF-Token).
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// The one-line reason of a failed upload ({"detail": ...}, the command line's message).
export function reason(status, text) {
  let detail = "";
  try {
    const body = JSON.parse(text);
    detail = typeof body.detail === "string" ? body.detail : "";
  } catch {
    detail = "";
  }
  if (status === 401) {
    return "Your sign-in has ended. Please sign in again, then send the file again.";
  }
  if (!detail) {
    return "The server could not take the file (error " + status + "). Please try again.";
  }
  return "This file cannot be used: " + detail + (/[.!?]$/.test(detail) ? "" : ".");
}
