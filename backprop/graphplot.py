"""Draw a scalar computational graph with matplotlib (no Graphviz needed).

Works on any Value-like node: an object with ``data`` (a number), ``grad``
(a number), ``_prev`` (the nodes it was computed from, in order; a node may
appear twice, as in x·x), ``_op`` (a short string, "" for an input) and,
optionally, ``label``. It only reads those attributes: it never computes a
gradient, so it shows exactly what the learner's own engine stored.

Layout: the output sits on the right; every node sits one column left of the
furthest node that uses it, so arrows always point right, the way the
forward pass flows. An operation is drawn as a small circle feeding the box
of the value it produced, micrograd-style. Each box shows the node's label,
its value and its gradient (gradient in vermillion when negative, blue when
positive, so signs stand out for readers with any colour vision).
"""

import math

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from backprop.plots import PALETTE, new_figure

BOX_W, BOX_H = 2.1, 0.8    # node box size in data units
COL_DX = 3.3               # distance between columns (room for the op circle)
ROW_DY = 1.25              # distance between rows
OP_R = 0.30                # op circle radius
INCH = 0.55                # inches per data unit when the graph fits in MAX_WIDTH
MAX_WIDTH = 13.0           # widest figure, inches
FONT = 10.5                # node text, points: 13 px on screen at the explorer's 90 dpi (and at 100 % zoom)


def nodes(root):
    """Every node reachable from ``root`` (each once, by identity), root first.

    Breadth-first, iterative: a deep graph does not hit the recursion limit.
    """
    seen, out, queue = {id(root)}, [root], [root]
    while queue:
        nxt = []
        for v in queue:
            for c in getattr(v, "_prev", ()):
                if id(c) not in seen:
                    seen.add(id(c))
                    out.append(c)
                    nxt.append(c)
        queue = nxt
    return out


def columns(root):
    """{id(node): column} with the output at column 0 and inputs at the highest columns.

    A node's column is the length of the longest path from the output down to
    it (relaxed until nothing changes; the graph is acyclic, so this stops).
    """
    all_nodes = nodes(root)
    col = {id(v): 0 for v in all_nodes}
    for _ in range(len(all_nodes)):
        changed = False
        for v in all_nodes:
            for c in v._prev:
                if col[id(c)] < col[id(v)] + 1:
                    col[id(c)] = col[id(v)] + 1
                    changed = True
        if not changed:
            break
    return col


def layout(root):
    """{id(node): (x, y)}: output on the right, rows ordered to limit crossings.

    Within a column, nodes are ordered by the mean row of the nodes that use
    them (the barycentre heuristic), then centred vertically.
    """
    all_nodes = nodes(root)
    col = columns(root)
    ncols = max(col.values()) + 1
    by_col = [[] for _ in range(ncols)]
    for v in all_nodes:  # BFS order: stable, deterministic
        by_col[col[id(v)]].append(v)
    users = {id(v): [] for v in all_nodes}
    for v in all_nodes:
        for c in v._prev:
            users[id(c)].append(v)
    pos = {}
    for j, group in enumerate(by_col):
        if j > 0:
            def key(v):
                ys = [pos[id(u)][1] for u in users[id(v)] if id(u) in pos]
                return -sum(ys) / len(ys) if ys else 0.0
            group.sort(key=key)
        n = len(group)
        for i, v in enumerate(group):
            pos[id(v)] = ((ncols - 1 - j) * COL_DX, ((n - 1) / 2 - i) * ROW_DY)
    return pos


def _fmt(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.4g}"


def input_edges(v):
    """[(input node, vertical offset, used twice)] for the arrows into ``v``'s operation: a node used twice by
    the same operation (x·x) gets two arrows, side by side. Both views of a graph draw these."""
    counts = {}
    for c in v._prev:
        counts[id(c)] = counts.get(id(c), 0) + 1
    drawn, out = {}, []
    for c in v._prev:
        k = drawn.get(id(c), 0)
        drawn[id(c)] = k + 1
        twice = counts[id(c)] > 1
        out.append((c, 0.0 if not twice else (0.1 if k == 0 else -0.1), twice))
    return out


def draw_graph(root, ax=None, title=None, show_grad=True, highlight=()):
    """Draw the graph that produced ``root``; return the Figure.

    ``ax``: draw into this Axes (otherwise a new Figure sized to the graph).
    ``show_grad``: print each node's ``grad`` under its value.
    ``highlight``: labels of nodes to outline in orange (say, the inputs a
    slider moves).
    """
    all_nodes = nodes(root)
    pos = layout(root)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    if ax is None:
        # size the figure to the graph (equal aspect), at most 13 inches wide
        span_x = max(xs) - min(xs) + BOX_W + 0.6
        span_y = max(ys) - min(ys) + 2 * BOX_H
        scale = min(INCH, MAX_WIDTH / span_x)
        fig = new_figure(max(span_x * scale, 4.0), span_y * scale + 0.9)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
        scale = INCH
    fs = max(6.0, FONT * scale / INCH)  # text shrinks with the boxes only when a long graph is squeezed
    highlight = set(highlight)

    for v in all_nodes:
        x, y = pos[id(v)]
        has_op = bool(v._prev)
        target = (x - BOX_W / 2, y)
        if has_op:
            ox = x - BOX_W / 2 - 0.6
            ax.add_patch(Circle((ox, y), OP_R, facecolor="white", edgecolor=PALETTE["black"], lw=1.2, zorder=3))
            ax.text(ox, y, str(v._op), ha="center", va="center", fontsize=fs if len(str(v._op)) <= 2 else fs * 0.8,
                    zorder=4)
            ax.add_patch(FancyArrowPatch((ox + OP_R, y), target, arrowstyle="-|>", mutation_scale=10,
                                         color=PALETTE["black"], lw=1.0, zorder=2))
            target = (ox - OP_R, y)
        for c, off, twice in input_edges(v):
            cx, cy = pos[id(c)]
            ax.add_patch(FancyArrowPatch((cx + BOX_W / 2, cy + off), (target[0], target[1] + off * 0.8),
                                         arrowstyle="-|>", mutation_scale=10,
                                         color=PALETTE["sky"] if twice else "0.35",
                                         lw=1.6 if twice else 1.2, zorder=1, shrinkA=0, shrinkB=0))

    for v in all_nodes:
        x, y = pos[id(v)]
        lab = getattr(v, "label", "") or ""
        edge = PALETTE["orange"] if lab and lab in highlight else PALETTE["black"]
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor="#F7F7F7", edgecolor=edge, lw=2.2 if edge != PALETTE["black"] else 1.0,
                                    zorder=3))
        head = f"{lab}  " if lab else ""
        if show_grad:
            ax.text(x, y + 0.17, f"{head}data {_fmt(v.data)}", ha="center", va="center", fontsize=fs, zorder=4)
            g = v.grad
            try:
                gcol = PALETTE["vermillion"] if float(g) < 0 else PALETTE["blue"]
            except (TypeError, ValueError):
                gcol = PALETTE["black"]
            ax.text(x, y - 0.19, f"grad {_fmt(g)}", ha="center", va="center", fontsize=fs, color=gcol,
                    fontweight="bold", zorder=4)
        else:
            ax.text(x, y, f"{head}data {_fmt(v.data)}", ha="center", va="center", fontsize=fs, zorder=4)

    ax.set_xlim(min(xs) - BOX_W / 2 - 0.3, max(xs) + BOX_W / 2 + 0.3)
    ax.set_ylim(min(ys) - BOX_H, max(ys) + BOX_H)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlabel("forward pass →   ← gradients", fontsize=max(6.0, (FONT - 0.5) * scale / INCH))
    if title:
        ax.set_title(title, fontsize=FONT + 1)
    return fig


def order_problem(order, root):
    """What is wrong with ``order`` as a topological order of ``root``'s graph, in words; None if nothing.

    A topological order lists every node reachable from ``root`` exactly once,
    each node after all of its inputs (so ``root`` comes last). Used by test
    cells to explain a wrong answer; it checks an order, it does not make one.
    """
    if not isinstance(order, (list, tuple)):
        return f"it should return a list of nodes, but it returned a {type(order).__name__}."
    want = nodes(root)
    ids = [id(v) for v in order]
    if len(ids) != len(set(ids)):
        dup = next(v for i, v in enumerate(order) if id(v) in ids[:i])
        who = f" ({dup.label})" if getattr(dup, "label", "") else ""
        return (f"a node{who} appears more than once. A node used by two operations is reached twice: "
                "keep a set of the nodes you have visited and skip a node you have seen.")
    missing = [v for v in want if id(v) not in set(ids)]
    if missing:
        if any(v is root for v in missing):
            return "the output node itself is missing: append a node after visiting its inputs, the output included."
        return (f"{len(missing)} of the {len(want)} nodes are missing: visit every input of every node "
                "(node._prev), all the way down to the leaves.")
    if len(order) != len(want):
        return f"it lists {len(order)} nodes, but only {len(want)} are reachable from the output."
    seen = set()
    for v in order:
        for c in v._prev:
            if id(c) not in seen:
                return ("a node comes before one of its inputs. Visit all of a node's inputs first, "
                        "and only then append the node (post-order), so the output ends up last.")
        seen.add(id(v))
    return None
