// The ordering question's view (anywidget front-end module).
//
// Synced traits (see backprop/quiz/views.py, OrderBoard):
//   items  : list of item texts, top to bottom (the learner changes it)
//   marks  : per position "right" | "wrong" | "" (set by Python after a Check)
//   result : one line starting with ✓ or ✗ (set by Python after a Check)
//   checks : a counter the view increments to ask Python to check the order
//
// Mouse: HTML5 drag and drop (dragstart / dragover / drop). Keyboard: focus an
// item (Tab) and press Alt+ArrowUp / Alt+ArrowDown to move it; or press Space
// to pick it up, ArrowUp / ArrowDown to move it, Space (or Enter) to drop it,
// Escape to put it back. Every move is announced in a polite live region.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  root.classList.add("bp-order");
  const help = el("p", "bp-order-help",
    "Drag the steps into order, or use the keyboard: focus a step and press Alt+↑ / Alt+↓ " +
    "(or Space to pick it up, ↑ / ↓ to move, Space to drop). Then press Check.");
  const list = el("ol", "bp-order-list");
  list.setAttribute("aria-label", "Steps to put in order");
  const button = el("button", "bp-quiz-check", "Check");
  button.type = "button";
  const result = el("div", "bp-quiz-result");
  result.setAttribute("role", "status");
  result.setAttribute("aria-live", "polite");
  const live = el("div", "bp-order-live");
  live.setAttribute("aria-live", "polite");
  root.append(help, list, button, result, live);

  let dragFrom = null;     // index being dragged with the mouse
  let held = null;         // item text picked up with Space (keyboard)
  let heldFrom = null;     // where it was picked up, for Escape
  let focusItem = null;    // item text to focus after the next redraw

  const items = () => [...(model.get("items") || [])];

  function announce(text) {
    live.textContent = text;
  }

  function move(from, to, keepMarks) {
    const list_ = items();
    if (from === to || from < 0 || to < 0 || from >= list_.length || to >= list_.length) return;
    const [it] = list_.splice(from, 1);
    list_.splice(to, 0, it);
    focusItem = it;
    model.set("items", list_);
    if (!keepMarks) {
      model.set("marks", []);
      model.set("result", "");
    }
    model.save_changes();
    draw();
    announce(`${it}: moved to position ${to + 1} of ${list_.length}.`);
  }

  function draw() {
    // Redrawing replaces the items: remember which one has the focus, to give it back.
    const active = root.ownerDocument.activeElement;
    if (focusItem === null && active && list.contains(active) && active.dataset) focusItem = active.dataset.item;
    const list_ = items();
    const marks = model.get("marks") || [];
    list.replaceChildren();
    list_.forEach((text, i) => {
      const li = el("li", "bp-order-item");
      if (marks[i] === "right") li.classList.add("bp-right");
      if (marks[i] === "wrong") li.classList.add("bp-wrong");
      if (held === text) li.classList.add("bp-held");
      li.draggable = true;
      li.setAttribute("draggable", "true");
      li.dataset.item = text;
      li.tabIndex = 0;
      const mark = marks[i] === "right" ? " (after every step it needs)" : marks[i] === "wrong" ? " (a step it needs is below it)" : "";
      li.setAttribute("aria-label", `Step at position ${i + 1} of ${list_.length}: ${text}${mark}`);
      li.append(el("span", "bp-order-grip", "⠿"), el("span", "bp-order-pos", `${i + 1}.`),
                el("span", "bp-order-text", text),
                el("span", "bp-order-mark", marks[i] === "right" ? "✓" : marks[i] === "wrong" ? "✗" : ""));

      li.addEventListener("dragstart", (e) => {
        e.stopPropagation();
        dragFrom = items().indexOf(text);
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", text);  // Firefox needs data to start a drag
        li.classList.add("bp-dragging");
      });
      li.addEventListener("dragend", (e) => {
        e.stopPropagation();
        dragFrom = null;
        list.querySelectorAll(".bp-drop-target, .bp-dragging")
          .forEach((n) => n.classList.remove("bp-drop-target", "bp-dragging"));
      });
      li.addEventListener("dragenter", (e) => {
        e.preventDefault();
        e.stopPropagation();
        li.classList.add("bp-drop-target");
      });
      li.addEventListener("dragover", (e) => {
        e.preventDefault();  // without this the browser refuses the drop
        e.stopPropagation();
        e.dataTransfer.dropEffect = "move";
      });
      li.addEventListener("dragleave", () => li.classList.remove("bp-drop-target"));
      li.addEventListener("drop", (e) => {
        e.preventDefault();
        e.stopPropagation();
        li.classList.remove("bp-drop-target");
        let from = dragFrom;
        if (from === null) from = items().indexOf(e.dataTransfer.getData("text/plain"));
        dragFrom = null;
        move(from, items().indexOf(text));
      });

      li.addEventListener("keydown", (e) => {
        const i_ = items().indexOf(text);
        const n = items().length;
        if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
          e.preventDefault();
          e.stopPropagation();
          move(i_, e.key === "ArrowUp" ? Math.max(0, i_ - 1) : Math.min(n - 1, i_ + 1));
        } else if (e.key === " " || e.key === "Spacebar" || (e.key === "Enter" && held !== null)) {
          e.preventDefault();
          e.stopPropagation();
          if (held === null) {
            held = text;
            heldFrom = i_;
            focusItem = text;
            draw();
            announce(`${text}: picked up at position ${i_ + 1}. Use the arrow keys to move it, Space to drop it.`);
          } else {
            const was = held;
            held = null;
            focusItem = was;
            draw();
            announce(`${was}: dropped at position ${items().indexOf(was) + 1} of ${n}.`);
          }
        } else if (held !== null && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
          e.preventDefault();
          e.stopPropagation();
          move(i_, e.key === "ArrowUp" ? Math.max(0, i_ - 1) : Math.min(n - 1, i_ + 1));
        } else if (held !== null && e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          const was = held;
          held = null;
          move(items().indexOf(was), heldFrom);
          focusItem = was;
          draw();
          announce(`${was}: put back at position ${heldFrom + 1}.`);
        } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
          // plain arrows move the focus between items
          e.preventDefault();
          e.stopPropagation();
          const next = list.children[e.key === "ArrowUp" ? i_ - 1 : i_ + 1];
          if (next) next.focus();
        }
      });
      list.appendChild(li);
    });
    if (focusItem !== null) {
      const target = [...list.children].find((n) => n.dataset.item === focusItem);
      focusItem = null;
      if (target) target.focus();
    }
    result.textContent = model.get("result") || "";
    root.classList.toggle("bp-order-all-right", (model.get("result") || "").startsWith("✓"));
  }

  button.addEventListener("click", (e) => {
    e.stopPropagation();
    held = null;
    model.set("checks", (model.get("checks") || 0) + 1);
    model.save_changes();
  });

  const redraw = () => draw();  // a change from Python (or another view of the same model)
  model.on("change:items", redraw);
  model.on("change:marks", redraw);
  model.on("change:result", redraw);
  draw();
  return () => {
    model.off("change:items", redraw);
    model.off("change:marks", redraw);
    model.off("change:result", redraw);
  };
}

export default { render };
