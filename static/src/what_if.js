// What if, on the results page: the weight sliders stay shares of 100%. When one moves, the
// others keep their proportions to each other (the engine's one-way sensitivity, which the
// marks on each slider assume); when the others are all at 0%, they share what is left
// equally, as the engine does. The ranking, the chart and the marks come from the server
// (htmx asks for them as the sliders move); nothing is ranked or summed here.
const form = document.querySelector("[data-what-if]");

// The engine's format_percent (appraisals/explain.py): whole percent from 10% up, one
// decimal below, never 0% or 100% for a share that is not exactly that.
function roundHalfUp(x, places) {
  const scale = 10 ** places;
  return Math.round(x * scale + 1e-9) / scale;
}

function percent(pct) {
  if (pct > 0 && pct < 0.05) return "less than 0.1%";
  if (pct >= 99.95 && pct < 100) return "more than 99.9%";
  const whole = roundHalfUp(pct, 0);
  if (pct < 10 || (whole === 100 && pct < 100)) {
    const one = roundHalfUp(pct, 1);
    return `${Number.isInteger(one) ? one : one.toFixed(1)}%`;
  }
  return `${whole}%`;
}

function show(slider) {
  const text = percent(Number(slider.value));
  slider.setAttribute("aria-valuetext", text);
  const label = form.querySelector(`[data-weight-of="${slider.id}"]`);
  if (label) label.textContent = text;
}

const twoPlaces = (x) => Math.round(x * 100) / 100;

if (form) {
  const sliders = [...form.querySelectorAll("input[type=range]")];
  let before = new Map(sliders.map((s) => [s, Number(s.value)]));

  form.addEventListener("input", (event) => {
    const moved = event.target;
    if (!sliders.includes(moved)) return;
    const weight = twoPlaces(Math.min(100, Math.max(0, Number(moved.value))));
    moved.value = String(weight);
    const others = sliders.filter((s) => s !== moved);
    const rest = others.reduce((sum, s) => sum + before.get(s), 0);
    for (const s of others) {
      const share = rest > 0 ? (before.get(s) * (100 - weight)) / rest : (100 - weight) / others.length;
      s.value = String(twoPlaces(share));
    }
    before = new Map(sliders.map((s) => [s, Number(s.value)]));
    sliders.forEach(show);
  });

  // Reset without leaving the page: the appraisal's own weights, every panel counted.
  const reset = form.querySelector("[data-what-if-reset]");
  if (reset) {
    reset.addEventListener("click", (event) => {
      event.preventDefault();
      for (const s of sliders) s.value = s.dataset.own;
      for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = true;
      before = new Map(sliders.map((s) => [s, Number(s.value)]));
      sliders.forEach(show);
      form.dispatchEvent(new Event("input"));
    });
  }
}
