// Direct and swing weights: show each criterion's share of the total as the numbers (or
// the swing points, whose proportions are the weights) are typed.
// The server renders the same shares when the page loads and after saving.
const table = document.querySelector("[data-live-weights]");

function parse(value) {
  const number = Number.parseFloat(String(value).replace(/,/g, "").trim());
  return Number.isFinite(number) && number >= 0 ? number : null;
}

function update() {
  const inputs = [...table.querySelectorAll("input.app-weight-input")];
  const values = inputs.map((input) => parse(input.value));
  const total = values.reduce((sum, v) => sum + (v ?? 0), 0);
  inputs.forEach((input, i) => {
    const output = table.querySelector(`[data-share-of="${input.id}"]`);
    if (!output) return;
    if (values[i] === null) {
      output.textContent = "–";
    } else {
      const share = total > 0 ? (100 * values[i]) / total : 100 / inputs.length;
      output.textContent = `${share.toFixed(1)}%`;
    }
  });
}

if (table) {
  table.addEventListener("input", update);
  const note = document.querySelector("[data-live-note]");
  if (note) note.hidden = false;
}
