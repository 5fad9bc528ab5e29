// The scoring grid, keyboard-first. Progressive enhancement only: without this file (or
// without htmx) the grid is a plain form that saves every changed cell at once.
//
// - Arrow keys move between score boxes (up/down: criteria, left/right: options; left and
//   right only leave a box when the caret, or the selection, already reaches its start or
//   end: a box tabbed into has its text selected, and one press moves on, as in a
//   spreadsheet).
// - Tab goes score, reason, next score, along the row and then down: nothing else in the
//   grid is in the Tab order (the guidance summaries have tabindex="-1" in the template).
// - Alt+G in a score or reason box shows or hides that criterion's guidance and reads it out,
//   leaving the focus (and whatever is typed next) in the box.
// - Reason boxes grow to show their text (CSS field-sizing where the browser has it).
// - Enter in a score box saves that cell at once (one request) instead of submitting the
//   whole form.
// - "Save my score" after a conflict saves that cell again with the version now shown. The
//   button in the cell is out of the Tab order (tabindex="-1": it broke score, reason, next
//   score); keyboards press Enter in the score box, which does the same, or Tab on past the
//   grid to "Scores not saved", a copy of each cell's button kept here.
// - A cell the user typed on in while its save was on the way is not replaced under their
//   fingers: it takes the new version and saves again, so no keystroke is lost.
// - A save that fails (server or network error) says so in the cell and to screen readers.

const grid = document.querySelector("[data-scoring]");

function cellOf(element) {
  return element.closest("td.app-scoring__cell");
}

function scoreBox(row, col) {
  return grid.querySelector(
    `td.app-scoring__cell[data-row="${row}"][data-col="${col}"] .app-scoring__score`,
  );
}

function move(input, dRow, dCol) {
  const cell = cellOf(input);
  const target = scoreBox(
    Number(cell.dataset.row) + dRow,
    Number(cell.dataset.col) + dCol,
  );
  if (!target) return false;
  target.focus();
  target.select();
  return true;
}

function fields(cell) {
  return {
    score: cell.querySelector(".app-scoring__score"),
    reason: cell.querySelector(".app-scoring__reason"),
  };
}

function save(cell) {
  cell.dispatchEvent(new CustomEvent("cell-save", { bubbles: true }));
}

function toggleGuidance(input) {
  const details = document.getElementById(input.dataset.guidance || "");
  if (!details) return;
  details.open = !details.open;
  const status = document.getElementById("scoring-status");
  if (!status) return;
  const text = details.querySelector("[data-guidance-text]").textContent.trim();
  const name = details.dataset.criterion;
  status.textContent = details.open ? `Guidance for ${name}: ${text}` : `Guidance for ${name} hidden`;
}

// Browsers without field-sizing (Firefox, Safari 2025): set the height from the content.
const growByScript = !(window.CSS && CSS.supports("field-sizing", "content"));
function grow(box) {
  if (!growByScript) return;
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
}

if (grid) {
  grid.querySelectorAll(".app-scoring__reason").forEach(grow);
  grid.addEventListener("input", (event) => {
    if (event.target.classList.contains("app-scoring__reason")) grow(event.target);
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const cell = event.detail.target;
    if (cell && cell.querySelectorAll) cell.querySelectorAll(".app-scoring__reason").forEach(grow);
  });

  grid.addEventListener("keydown", (event) => {
    const input = event.target;
    // event.code, not event.key: on a Mac Alt+G types "©".
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyG") {
      if (input.dataset && input.dataset.guidance) {
        event.preventDefault();
        toggleGuidance(input);
      }
      return;
    }
    if (!input.classList || !input.classList.contains("app-scoring__score")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    // Where the caret would go on a plain left or right press: to the selection's edge.
    const atStart = input.selectionStart === 0;
    const atEnd = input.selectionEnd === input.value.length;
    let moved = false;
    switch (event.key) {
      case "ArrowUp":
        moved = move(input, -1, 0);
        break;
      case "ArrowDown":
        moved = move(input, 1, 0);
        break;
      case "ArrowLeft":
        moved = atStart && move(input, 0, -1);
        break;
      case "ArrowRight":
        moved = atEnd && move(input, 0, 1);
        break;
      case "Enter":
        event.preventDefault(); // not the whole form: just this cell
        save(cellOf(input));
        return;
      default:
        return;
    }
    if (moved) event.preventDefault();
  });

  grid.addEventListener("click", (event) => {
    const retry = event.target.closest(".app-scoring__retry");
    if (retry && window.htmx) {
      event.preventDefault();
      save(cellOf(retry));
      return;
    }
    const again = event.target.closest("[data-retry]");
    if (again) save(document.getElementById(again.dataset.retry));
  });

  // "Scores not saved", after the grid: one button for each cell showing a conflict, in the
  // grid's order, kept in step after every swap. A button whose cell saved goes; if it had
  // the focus, the focus goes to that cell's score box.
  const conflicts = grid.querySelector("[data-scoring-conflicts]");
  function syncConflicts() {
    if (!conflicts) return;
    const cells = [...grid.querySelectorAll(".app-scoring__retry")].map(cellOf);
    const wanted = new Set(cells.map((cell) => cell.id));
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.retry
      : undefined;
    let list = conflicts.querySelector("ul");
    if (!list) {
      const heading = document.createElement("h2");
      heading.className = "govuk-heading-s";
      heading.textContent = "Scores not saved";
      list = document.createElement("ul");
      list.className = "govuk-list";
      conflicts.append(heading, list);
    }
    for (const item of [...list.children]) {
      if (!wanted.has(item.dataset.cell)) item.remove();
    }
    const have = new Set([...list.children].map((item) => item.dataset.cell));
    for (const cell of cells) {
      if (have.has(cell.id)) continue;
      const item = document.createElement("li");
      item.dataset.cell = cell.id;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
      button.dataset.retry = cell.id;
      button.textContent = cell.querySelector(".app-scoring__retry").textContent;
      item.append(button);
      list.append(item);
    }
    const order = cells.map((cell) => cell.id);
    const items = [...list.children];
    if (items.some((item, i) => item.dataset.cell !== order[i])) {
      items
        .sort((a, b) => order.indexOf(a.dataset.cell) - order.indexOf(b.dataset.cell))
        .forEach((item) => list.append(item));
    }
    conflicts.hidden = cells.length === 0;
    if (focused && !wanted.has(focused)) {
      const box = document.getElementById(`${focused}-score`);
      if (box) box.focus();
    }
  }
  syncConflicts();
  document.body.addEventListener("htmx:afterSwap", syncConflicts);

  // Values sent with each cell's request, to tell whether the user typed on meanwhile.
  const sent = new Map();

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const cell = event.detail.elt;
    if (!cell.classList || !cell.classList.contains("app-scoring__cell")) return;
    const { score, reason } = fields(cell);
    sent.set(cell.id, { score: score.value, reason: reason.value });
  });

  // Chromium fires "change" on a text box removed while it has the focus and a value typed
  // since it was focused. After Enter the focus is still in the cell when its answer replaces
  // it, so that change would queue a second save of the cell just saved (clearing its
  // "Saved"), or save over a conflict just shown. A cell is swapped only when its boxes hold
  // the values just sent, or to show a conflict (see beforeSwap): drop that change.
  let swapping = null;
  grid.addEventListener(
    "change",
    (event) => {
      if (swapping && swapping.contains(event.target)) event.stopPropagation();
    },
    true,
  );
  document.body.addEventListener("htmx:afterSwap", () => {
    swapping = null;
  });
  document.body.addEventListener("htmx:afterRequest", () => {
    swapping = null;
  });

  // If the user typed into the cell while its save was on the way, do not replace the boxes
  // they are typing in: take the new version from the answer and save what they typed, in
  // turn (requests queue on the form). A conflict is always shown.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const cell = event.detail.target;
    if (!cell.classList || !cell.classList.contains("app-scoring__cell")) return;
    const before = sent.get(cell.id);
    sent.delete(cell.id);
    const { score, reason } = fields(cell);
    if (!before || (score.value === before.score && reason.value === before.reason)) {
      if (event.detail.shouldSwap) swapping = cell;
      return;
    }
    const answer = document.createElement("template");
    answer.innerHTML = event.detail.serverResponse;
    const fresh = answer.content.querySelector(".app-scoring__body");
    if (!fresh || fresh.hasAttribute("data-conflict")) {
      if (event.detail.shouldSwap) swapping = cell;
      return;
    }
    for (const name of ["version", "loaded"]) {
      const selector = `input[name="${cell.id}-${name}"]`;
      cell.querySelector(selector).value = fresh.querySelector(selector).value;
    }
    event.detail.shouldSwap = false;
    save(cell);
  });

  function failed(event) {
    const cell = event.detail.elt;
    if (!cell.classList || !cell.classList.contains("app-scoring__cell")) return;
    sent.delete(cell.id);
    let note = cell.querySelector(".app-scoring__failed");
    if (!note) {
      note = document.createElement("p");
      note.className = "govuk-error-message app-scoring__failed";
      cell.querySelector(".govuk-form-group").prepend(note);
    }
    note.textContent =
      "Not saved: something went wrong. Press Enter in the score to try again.";
    const status = document.getElementById("scoring-status");
    if (status) status.textContent = note.textContent;
  }
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);
}
