// The explorers' plot (anywidget front-end module): the kernel sends numbers, this draws them as SVG.
//
// Synced trait (see backprop/widgets/figure.py, Plot):
//   spec : {w, h, alt, panels: [{box: [left, top, width, height] (px), x: [lo, hi], y: [lo, hi],
//           equal, axes, grid, xticks, yticks ([[value, "label"], ...] or null: automatic),
//           xlabel, ylabel, title, legend ("upper right" | "upper left" | "lower left" | "lower right" | null),
//           marks: [...]}]}
// Marks, in data units (sizes in px): line {x, y, color, lw, dash, label} (a null y breaks the line),
// dots {x, y, color, r, edge, label}, bars {x, y, colors, width, horiz}, vline {x}, hline {y},
// band {y0, y1, color, alpha}, text {x, y, s, color, size, anchor, weight}, image {z (rows, bottom first,
// values 0..1), extent: [x0, x1, y0, y1], color}, box {x, y, w, h, fill, stroke, lw, r}, circle {x, y, r
// (data units), fill, stroke, lw}, arrow {x0, y0, x1, y1, color, lw}.
//
// Also synced: readout (the explorer's readout, HTML from the kernel, shown above the drawing), seq (the
// last slider move the picture answers), ahead ({trait: [[slider value, spec], ...]}: the pictures one slider step either way) and
// sliders ({trait: [slider model id, "value" | "index"]}). When a slider moves in the page, the picture
// sent ahead for its new value is drawn at once, and the move goes to the kernel straight away (at most two
// in flight, the newest waiting), so a dragged slider keeps redrawing while the kernel answers.
//
// Every new spec is drawn at once (no animation): a slider move costs one SVG rebuild, a few ms.
// If the view is touched (a key or a click in its explorer) and the kernel does not answer a ping, the view
// says how to bring it back to life: a reopened notebook shows the picture saved with it, not a live one.

const NS = "http://www.w3.org/2000/svg";
const FONT = "var(--jp-ui-font-family, system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif)";
const INK = "#222";
const GRID = "#e3e3e3";
let counter = 0;
const MAX_INFLIGHT = 3;  // slider moves sent to the kernel and not yet answered

function esc(s) {
  // runs of spaces stay (SVG text would collapse them)
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/ {2,}/g, (m) => "\u00a0".repeat(m.length));
}

function num(v) {
  return Math.round(v * 100) / 100;
}

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

function fmtTick(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = (Math.abs(v) < step / 1e6 ? 0 : v).toFixed(Math.min(digits, 10));
  return s.replace("-", "\u2212");
}

function autoTicks(lo, hi, px) {
  const step = niceStep(hi - lo, Math.max(2, Math.floor(px / 60)));
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push([v, fmtTick(v, step)]);
  return out;
}

function scales(p) {
  let [left, top, width, height] = p.box;
  const [x0, x1] = p.x, [y0, y1] = p.y;
  let sx = width / (x1 - x0 || 1), sy = height / (y1 - y0 || 1);
  if (p.equal) {
    const s = Math.min(sx, sy);
    left += (width - s * (x1 - x0)) / 2;
    top += (height - s * (y1 - y0)) / 2;
    sx = sy = s;
  }
  return {X: (x) => left + (x - x0) * sx, Y: (y) => top + (y1 - y) * sy, sx, sy};
}

function dashAttr(d) {
  return d ? ` stroke-dasharray="${esc(d)}"` : "";
}

function heatmap(z, color) {
  // one canvas pixel per cell, scaled up without smoothing: cheap at any size
  const rows = z.length, cols = rows ? z[0].length : 0;
  const c = document.createElement("canvas");
  c.width = Math.max(1, cols);
  c.height = Math.max(1, rows);
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(c.width, c.height);
  const rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const v = Math.max(0, Math.min(1, z[r][k] || 0));
      const o = ((rows - 1 - r) * cols + k) * 4;
      for (let ch = 0; ch < 3; ch++) img.data[o + ch] = Math.round(255 + (rgb[ch] - 255) * v);
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return c.toDataURL();
}

function arrowHead(x0, y0, x1, y1, size) {
  const a = Math.atan2(y1 - y0, x1 - x0), s = size, w = size * 0.45;
  const bx = x1 - s * Math.cos(a), by = y1 - s * Math.sin(a);
  const px = -Math.sin(a) * w, py = Math.cos(a) * w;
  return `${num(x1)},${num(y1)} ${num(bx + px)},${num(by + py)} ${num(bx - px)},${num(by - py)}`;
}

function drawMark(m, S, out) {
  const col = m.color || INK;
  switch (m.k) {
    case "line": {
      let d = "", pen = false;
      for (let i = 0; i < m.x.length; i++) {
        if (m.y[i] === null || m.x[i] === null) { pen = false; continue; }
        d += `${pen ? "L" : "M"}${num(S.X(m.x[i]))} ${num(S.Y(m.y[i]))}`;
        pen = true;
      }
      out.push(`<path class="bp-line" d="${d}" fill="none" stroke="${col}" stroke-width="${m.lw || 2}"` +
        `${dashAttr(m.dash)} stroke-linejoin="round"/>`);
      break;
    }
    case "dots":
      for (let i = 0; i < m.x.length; i++) {
        if (m.y[i] === null) continue;
        out.push(`<circle class="bp-dot" cx="${num(S.X(m.x[i]))}" cy="${num(S.Y(m.y[i]))}" r="${m.r || 4}" ` +
          `fill="${col}" stroke="${m.edge || "none"}" stroke-width="1"/>`);
      }
      break;
    case "bars": {
      const w = m.width || 0.8;
      for (let i = 0; i < m.x.length; i++) {
        const c = (m.colors && m.colors[i]) || col;
        let x, y, bw, bh;
        if (m.horiz) {  // x: lengths, y: positions
          const a = S.X(0), b = S.X(m.x[i]);
          x = Math.min(a, b); bw = Math.abs(b - a);
          y = S.Y(m.y[i] + w / 2); bh = w * S.sy;
        } else {
          const a = S.Y(0), b = S.Y(m.y[i]);
          y = Math.min(a, b); bh = Math.abs(b - a);
          x = S.X(m.x[i] - w / 2); bw = w * S.sx;
        }
        out.push(`<rect class="bp-bar" x="${num(x)}" y="${num(y)}" width="${num(bw)}" height="${num(bh)}" fill="${c}"/>`);
      }
      break;
    }
    case "vline":
      out.push(`<line x1="${num(S.X(m.x))}" x2="${num(S.X(m.x))}" y1="${num(S.Y(S.ylo))}" y2="${num(S.Y(S.yhi))}" ` +
        `stroke="${col}" stroke-width="${m.lw || 1}"${dashAttr(m.dash)}/>`);
      break;
    case "hline":
      out.push(`<line y1="${num(S.Y(m.y))}" y2="${num(S.Y(m.y))}" x1="${num(S.X(S.xlo))}" x2="${num(S.X(S.xhi))}" ` +
        `stroke="${col}" stroke-width="${m.lw || 1}"${dashAttr(m.dash)}/>`);
      break;
    case "band": {
      const a = S.Y(Math.min(m.y1, S.yhi)), b = S.Y(Math.max(m.y0, S.ylo));
      out.push(`<rect x="${num(S.X(S.xlo))}" y="${num(a)}" width="${num(S.X(S.xhi) - S.X(S.xlo))}" ` +
        `height="${num(Math.max(0, b - a))}" fill="${col}" fill-opacity="${m.alpha ?? 0.15}"/>`);
      break;
    }
    case "image": {
      const [x0, x1, y0, y1] = m.extent;
      out.push(`<image class="bp-image" x="${num(S.X(x0))}" y="${num(S.Y(y1))}" width="${num(S.X(x1) - S.X(x0))}" ` +
        `height="${num(S.Y(y0) - S.Y(y1))}" preserveAspectRatio="none" style="image-rendering:pixelated" ` +
        `href="${heatmap(m.z, m.color || "#0072B2")}"/>`);
      break;
    }
    case "box":
      out.push(`<rect x="${num(S.X(m.x))}" y="${num(S.Y(m.y + m.h))}" width="${num(m.w * S.sx)}" ` +
        `height="${num(m.h * S.sy)}" rx="${m.r || 0}" fill="${m.fill || "none"}" stroke="${m.stroke || INK}" ` +
        `stroke-width="${m.lw || 1}"/>`);
      break;
    case "circle":
      out.push(`<circle cx="${num(S.X(m.x))}" cy="${num(S.Y(m.y))}" r="${num(m.r * S.sx)}" fill="${m.fill || "none"}" ` +
        `stroke="${m.stroke || INK}" stroke-width="${m.lw || 1}"/>`);
      break;
    case "arrow": {
      const x0 = S.X(m.x0), y0 = S.Y(m.y0), x1 = S.X(m.x1), y1 = S.Y(m.y1), lw = m.lw || 1.2;
      const head = 5 + 2.5 * lw;
      const a = Math.atan2(y1 - y0, x1 - x0);
      out.push(`<line x1="${num(x0)}" y1="${num(y0)}" x2="${num(x1 - head * 0.8 * Math.cos(a))}" ` +
        `y2="${num(y1 - head * 0.8 * Math.sin(a))}" stroke="${col}" stroke-width="${lw}"/>` +
        `<polygon points="${arrowHead(x0, y0, x1, y1, head)}" fill="${col}"/>`);
      break;
    }
    case "text":
      out.push(`<text class="bp-text" x="${num(S.X(m.x))}" y="${num(S.Y(m.y))}" fill="${col}" ` +
        `font-size="${m.size || 12}" text-anchor="${m.anchor || "start"}" dominant-baseline="central"` +
        `${m.weight ? ` font-weight="${m.weight}"` : ""}>${esc(m.s)}</text>`);
      break;
    default:
      break;
  }
}

function legend(p, out) {
  const items = p.marks.filter((m) => m.label && (m.k === "line" || m.k === "dots"));
  if (!p.legend || !items.length) return;
  const size = 11, row = 16, pad = 6, sw = 22;
  const width = pad * 2 + sw + 6 + Math.max(...items.map((m) => m.label.length)) * size * 0.56;
  const height = pad * 2 + row * items.length - 4;
  const [left, top, w, h] = p.box;
  const x = p.legend.includes("right") ? left + w - width - 6 : left + 6;
  const y = p.legend.includes("lower") ? top + h - height - 6 : top + 6;
  out.push(`<g class="bp-legend"><rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" ` +
    `rx="3" fill="#fff" fill-opacity="0.88" stroke="#ccc"/>`);
  items.forEach((m, i) => {
    const cy = y + pad + row * i + row / 2 - 2;
    if (m.k === "line") {
      out.push(`<line x1="${num(x + pad)}" x2="${num(x + pad + sw)}" y1="${num(cy)}" y2="${num(cy)}" ` +
        `stroke="${m.color || INK}" stroke-width="${m.lw || 2}"${dashAttr(m.dash)}/>`);
    } else {
      out.push(`<circle cx="${num(x + pad + sw / 2)}" cy="${num(cy)}" r="${m.r || 4}" fill="${m.color || INK}" ` +
        `stroke="${m.edge || "none"}"/>`);
    }
    out.push(`<text x="${num(x + pad + sw + 6)}" y="${num(cy)}" font-size="${size}" fill="${INK}" ` +
      `dominant-baseline="central">${esc(m.label)}</text>`);
  });
  out.push("</g>");
}

function drawPanel(p, uid, i, out) {
  const S = scales(p);
  S.xlo = p.x[0]; S.xhi = p.x[1]; S.ylo = p.y[0]; S.yhi = p.y[1];
  const [left, top, w, h] = p.box;
  const clip = `${uid}-clip${i}`;
  out.push(`<clipPath id="${clip}"><rect x="${left}" y="${top}" width="${w}" height="${h}"/></clipPath>`);
  const axes = p.axes !== false;
  if (axes) {
    const xt = p.xticks || autoTicks(p.x[0], p.x[1], w);
    const yt = p.yticks || autoTicks(p.y[0], p.y[1], h);
    const inX = (v) => v >= p.x[0] - 1e-9 && v <= p.x[1] + 1e-9;
    const inY = (v) => v >= p.y[0] - 1e-9 && v <= p.y[1] + 1e-9;
    if (p.grid !== false) {
      for (const [v] of xt) if (inX(v)) out.push(`<line x1="${num(S.X(v))}" x2="${num(S.X(v))}" y1="${top}" y2="${top + h}" stroke="${GRID}"/>`);
      for (const [v] of yt) if (inY(v)) out.push(`<line y1="${num(S.Y(v))}" y2="${num(S.Y(v))}" x1="${left}" x2="${left + w}" stroke="${GRID}"/>`);
    }
    out.push(`<g class="bp-ticks" font-size="11" fill="${INK}">`);
    for (const [v, s] of xt) {
      if (!inX(v)) continue;
      out.push(`<line x1="${num(S.X(v))}" x2="${num(S.X(v))}" y1="${top + h}" y2="${top + h + 4}" stroke="${INK}"/>` +
        `<text x="${num(S.X(v))}" y="${top + h + 15}" text-anchor="middle">${esc(s)}</text>`);
    }
    for (const [v, s] of yt) {
      if (!inY(v)) continue;
      out.push(`<line x1="${left - 4}" x2="${left}" y1="${num(S.Y(v))}" y2="${num(S.Y(v))}" stroke="${INK}"/>` +
        `<text x="${left - 7}" y="${num(S.Y(v))}" text-anchor="end" dominant-baseline="central">${esc(s)}</text>`);
    }
    out.push("</g>");
  }
  out.push(`<g clip-path="url(#${clip})">`);
  for (const m of p.marks) if (m.k !== "text" && m.k !== "box" && m.k !== "circle" && m.k !== "arrow") drawMark(m, S, out);
  out.push("</g>");
  for (const m of p.marks) if (m.k === "text" || m.k === "box" || m.k === "circle" || m.k === "arrow") drawMark(m, S, out);
  if (axes) out.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="${INK}" stroke-width="0.8"/>`);
  if (p.xlabel) {
    out.push(`<text class="bp-xlabel" x="${num(left + w / 2)}" y="${num(top + h + (axes ? 32 : 16))}" font-size="12" ` +
      `fill="${INK}" text-anchor="middle">${esc(p.xlabel)}</text>`);
  }
  if (p.ylabel) {
    const x = left - (p.ylabelGap || 40);
    out.push(`<text class="bp-ylabel" transform="translate(${num(x)},${num(top + h / 2)}) rotate(-90)" font-size="12" ` +
      `fill="${INK}" text-anchor="middle">${esc(p.ylabel)}</text>`);
  }
  if (p.title) {
    out.push(`<text class="bp-title" x="${num(left + w / 2)}" y="${top - 9}" font-size="13" font-weight="600" ` +
      `fill="${INK}" text-anchor="middle">${esc(p.title)}</text>`);
  }
  legend(p, out);
}

function draw(svg, spec, uid) {
  const w = spec.w || 540, h = spec.h || 300;
  svg.setAttribute("width", w);
  svg.setAttribute("height", h);
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("aria-label", spec.alt || "plot");
  const panels = spec.panels || [];
  svg.style.display = panels.length ? "" : "none";  // nothing to draw yet (e.g. the learner's code is missing)
  const out = [`<rect width="${w}" height="${h}" fill="#fff"/>`];
  panels.forEach((p, i) => drawPanel(p, uid, i, out));
  svg.innerHTML = out.join("");
}

function render({ model, el }) {
  const uid = `bp-plot-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("bp-figure");
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("xmlns", NS);
  svg.setAttribute("role", "img");
  svg.setAttribute("font-family", FONT);
  svg.classList.add("bp-svg");
  const note = document.createElement("div");
  note.className = "bp-plot-note";
  note.setAttribute("role", "status");
  const readout = document.createElement("div");
  readout.className = "bp-readout";
  readout.setAttribute("aria-live", "polite");
  el.append(readout, svg, note);
  // The picture never goes back: an answer to an older move (it can arrive after the picture sent ahead for a
  // newer one was drawn) is not shown; the answer to the newest move follows it.
  // A change of seq alone (the kernel saying the picture it has answers a move too) brings the kernel's
  // picture and readout in, if they were held back as stale.
  let drawnSeq = 0, drawn = null, frames = 0, staleTimer = null;
  const stale = () => (model.get("seq") || 0) < drawnSeq;
  // Move numbers come from one counter per model, above any the kernel has answered: a view made after
  // others (JupyterLab re-creates a cell's views as it scrolls; a second view of the same explorer) must not
  // start again at 1, or every answer to its moves would look older than the picture it shows, for ever.
  const nextSeq = () => (model.__bpSeq = Math.max(model.__bpSeq || 0, model.get("seq") || 0, drawnSeq) + 1);
  const show = (spec) => {
    drawn = spec;
    draw(svg, spec || {}, uid);
    el.dataset.frames = String(++frames);
  };
  const redraw = () => {
    clearTimeout(staleTimer);
    if (stale()) {
      // held back as older than the picture on show; if nothing newer comes within a second (an answer
      // lost, a move never sent), the kernel's state is the truth: show it
      staleTimer = setTimeout(() => { drawnSeq = model.get("seq") || 0; redraw(); }, 1000);
      return;
    }
    drawnSeq = model.get("seq") || 0;
    const html = model.get("readout") || "";  // the explorer's HTML
    if (html !== readout.innerHTML) readout.innerHTML = html;
    const spec = model.get("spec");
    if (spec !== drawn) show(spec);
    note.textContent = "";
  };
  for (const ev of ["change:spec", "change:readout", "change:seq"]) model.on(ev, redraw);
  redraw();

  // Every reply of the kernel ("done") says it is alive, and frees a place for the next slider move.
  let lastPong = 0, asked = 0, timer = null, inflight = 0, queued = null;
  const send = (msg) => { try { model.send(msg); } catch (e) { /* no kernel: the timer below says so */ } };
  const pong = () => {
    lastPong = performance.now();
    clearTimeout(timer);
    note.textContent = "";
  };
  const done = () => {
    pong();
    inflight = Math.max(0, inflight - 1);
    if (queued && inflight < MAX_INFLIGHT) { const m = queued; queued = null; inflight++; send(m); }
  };
  // a ping's answer (no seq) says the kernel is alive; it frees no place, as the ping took none
  const onMsg = (msg) => { if (msg && msg.kind === "done") { if (msg.seq == null) pong(); else done(); } };
  model.on("msg:custom", onMsg);
  model.on("change:seq", done);  // a redraw that answers a move
  const touched = () => {
    const now = performance.now();
    if (now - lastPong < 5000 || now - asked < 5000) return;
    asked = now;
    send({ kind: "ping" });
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (performance.now() - lastPong > 5000) {
        note.textContent = "No kernel answers this explorer (the notebook was reopened, or the kernel restarted): " +
          "this is the picture saved with it. Run the notebook again (Run ▸ Run All Cells) to move the sliders.";
        inflight = 0; queued = null;
      }
    }, 4000);
  };

  // A slider moved in the page: draw the picture sent ahead for that value at once, if there is one, and
  // send the move to the kernel (two in flight at most; later moves wait, the newest replacing the older).
  const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const moved = (trait, value) => {
    const rows = (model.get("ahead") || {})[trait] || [];
    const hit = rows.find((r) => close(r[0], value));
    const msg = { kind: "move", trait, value, seq: nextSeq(), dragging };
    if (hit) { show(hit[1]); drawnSeq = msg.seq; el.dataset.ahead = String(+(el.dataset.ahead || 0) + 1); }
    if (inflight < MAX_INFLIGHT) { inflight++; send(msg); } else { queued = msg; }
  };
  const bound = [];
  const manager = model.widget_manager;
  for (const [trait, [id, attr]] of Object.entries(model.get("sliders") || {})) {
    if (!manager || !manager.get_model) break;
    manager.get_model(id).then((m) => {
      const cb = () => moved(trait, m.get(attr));
      m.on(`change:${attr}`, cb);
      bound.push([m, `change:${attr}`, cb]);
    }).catch(() => { /* a slider that is gone: nothing to follow */ });
  }

  // the view is put into the page after render(): find its explorer when an event comes
  const mine = (e) => { const host = el.closest(".bp-explorer") || el; return host.contains(e.target); };
  const onKey = (e) => { if (e.key && e.key.startsWith("Arrow") && mine(e)) touched(); };
  // while the mouse drags a slider the kernel skips the pictures ahead (they help single steps only);
  // when it lets go, the kernel is asked for them
  let dragging = false;
  // (a press of a − / + button is no drag: it would only send a "rest" and its pictures ahead twice)
  const onPointer = (e) => {
    if (!mine(e)) return;
    touched();
    if (e.target.closest && e.target.closest(".bp-slider")) dragging = true;
  };
  const onUp = () => { if (dragging) { dragging = false; send({ kind: "rest", seq: nextSeq() }); inflight++; } };
  const doc = el.ownerDocument;
  doc.addEventListener("keydown", onKey, true);
  for (const ev of ["pointerdown", "mousedown"]) doc.addEventListener(ev, onPointer, true);
  for (const ev of ["pointerup", "mouseup"]) doc.addEventListener(ev, onUp, true);
  return () => {
    for (const [m, ev, cb] of bound) m.off(ev, cb);
    for (const ev of ["change:spec", "change:readout", "change:seq"]) model.off(ev, redraw);
    model.off("msg:custom", onMsg);
    model.off("change:seq", done);
    doc.removeEventListener("keydown", onKey, true);
    for (const ev of ["pointerdown", "mousedown"]) doc.removeEventListener(ev, onPointer, true);
    for (const ev of ["pointerup", "mouseup"]) doc.removeEventListener(ev, onUp, true);
    clearTimeout(timer);
    clearTimeout(staleTimer);
  };
}

export default { render };
