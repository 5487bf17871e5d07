// The measurement form: shows only the conditions the chosen test asks for (each field's
// data-tests lists them). Without this script every condition shows, and the server ignores
// those a test does not take.
const form = document.getElementById("upload-form");

function update() {
  const chosen = form.querySelector("input[name=test]:checked");
  const test = chosen ? chosen.value : "";
  for (const block of form.querySelectorAll("[data-tests]")) {
    block.hidden = !block.dataset.tests.split(" ").includes(test);
  }
}

if (form) {
  form.addEventListener("change", update);
  update();
}
