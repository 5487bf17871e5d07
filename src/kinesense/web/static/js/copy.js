// "Copy the link" buttons: copy the text of the input they name.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    const done = document.getElementById("copied");
    try {
      await navigator.clipboard.writeText(input.value);
      done.textContent = "Copied.";
    } catch {
      input.select();
      done.textContent = "Selected: copy it with Ctrl+C (or long-press on a phone).";
    }
  });
}
