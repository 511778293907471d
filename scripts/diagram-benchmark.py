#!/usr/bin/env python3
"""Archsmith's layout and edge routing against Graphviz `dot` and the Eclipse Layout Kernel
(elkjs, layered, orthogonal routing) on the same graphs: every sample, and generated models
of 100, 500 and 2,000 components with twice as many connections. Every drawing is measured
the same way, from its boxes and edge polylines:

  crossings     pairs of edge segments of different edges that cross
  through-boxes edge segments that run through a box other than their ends
  bends         interior points of the edge polylines (dot's splines: their control points)
  area, aspect  of the bounding box of boxes and edges
  16:10 page    area of the smallest 16:10 rectangle that holds that box: the room the
                drawing takes on a slide or a page, where a strip leaves the rest empty
  ms            wall time of one layout and routing (dot and elkjs: their whole process,
                start-up included; Archsmith: in-process, from the example's own clock)

Models with boundaries are also given to both tools with the boundaries as clusters (dot's
`subgraph cluster_*`, ELK's compound nodes with `hierarchyHandling: INCLUDE_CHILDREN`), which
is the drawing Archsmith makes: its layout keeps every component inside its boundaries.

usage: scripts/diagram-benchmark.py [--sizes 100,500,2000] [--out table.md]
Needs: cargo, dot (Debian's graphviz), node and npm (elkjs is installed into
~/.cache/archsmith-elk on first use).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELK_HOME = os.path.join(os.path.expanduser("~"), ".cache", "archsmith-elk")
ELK_VERSION = "0.9.3"
POINTS_PER_INCH = 72.0

ELK_SCRIPT = r"""
const ELK = require('elkjs/lib/elk.bundled.js');
const fs = require('fs');
const graph = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const elk = new ELK();
const started = process.hrtime.bigint();
elk.layout({
  id: 'root',
  layoutOptions: {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.layered.spacing.nodeNodeBetweenLayers': '80',
    'elk.spacing.nodeNode': '40',
  },
  children: graph.nodes.map((n, i) => ({ id: 'n' + i, width: n[2], height: n[3] })),
  edges: graph.edges.map((e, i) => ({ id: 'e' + i, sources: ['n' + e.from], targets: ['n' + e.to] })),
}).then(out => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const nodes = out.children.map(c => [c.x, c.y, c.width, c.height]);
  const edges = out.edges.map((e, i) => {
    const s = e.sections[0];
    const points = [s.startPoint, ...(s.bendPoints || []), s.endPoint].map(p => [p.x, p.y]);
    return { from: graph.edges[i].from, to: graph.edges[i].to, points };
  });
  console.log(JSON.stringify({ nodes, edges, layout_ms: ms }));
});
"""

# The same, with the model's boundaries as nested compound nodes laid out together with
# their contents (`hierarchyHandling: INCLUDE_CHILDREN`); coordinates come back relative to
# the parent (nodes) or the declaring boundary (edges) and are made absolute.
ELK_CLUSTERS_SCRIPT = r"""
const ELK = require('elkjs/lib/elk.bundled.js');
const fs = require('fs');
const graph = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const elk = new ELK();
const groups = graph.groups.map((g, i) => ({ id: 'g' + i, children: [], edges: [], layoutOptions: {
  'elk.padding': '[top=40,left=24,bottom=24,right=24]' } }));
const root = { id: 'root', children: [], edges: [], layoutOptions: {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '80',
  'elk.spacing.nodeNode': '40',
} };
graph.groups.forEach((g, i) => (g.parent === null ? root : groups[g.parent]).children.push(groups[i]));
const ownerOf = graph.nodes.map((_, i) => graph.groups.findIndex(g => g.members.includes(i)));
graph.nodes.forEach((n, i) => {
  const node = { id: 'n' + i, width: n[2], height: n[3] };
  (ownerOf[i] < 0 ? root : groups[ownerOf[i]]).children.push(node);
});
// Boundaries around a node, outermost first.
const chain = (i) => {
  const out = [];
  for (let g = ownerOf[i]; g >= 0 && g !== null; g = graph.groups[g].parent ?? -1) out.unshift(g);
  return out;
};
// Each edge is declared in the innermost boundary holding both ends: its coordinates are
// relative to that boundary.
const containerOf = graph.edges.map(e => {
  const a = chain(e.from), b = chain(e.to);
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k === 0 ? -1 : a[k - 1];
});
graph.edges.forEach((e, i) => (containerOf[i] < 0 ? root : groups[containerOf[i]]).edges.push(
  { id: 'e' + i, sources: ['n' + e.from], targets: ['n' + e.to] }));
const started = process.hrtime.bigint();
elk.layout(root).then(out => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const nodes = new Array(graph.nodes.length);
  const edges = [];
  // Shapes are relative to their parent: add up the offsets on the way down.
  const visit = (node, ox, oy) => {
    (node.edges || []).forEach(e => {
      const i = Number(e.id.slice(1));
      const s = e.sections[0];
      const points = [s.startPoint, ...(s.bendPoints || []), s.endPoint].map(p => [p.x + ox, p.y + oy]);
      edges[i] = { from: graph.edges[i].from, to: graph.edges[i].to, points };
    });
    (node.children || []).forEach(c => {
      if (c.id.startsWith('n')) nodes[Number(c.id.slice(1))] = [c.x + ox, c.y + oy, c.width, c.height];
      visit(c, ox + c.x, oy + c.y);
    });
  };
  visit(out, 0, 0);
  console.log(JSON.stringify({ nodes, edges: edges.filter(e => e), layout_ms: ms }));
});
"""


# The longest a reference tool may take on one graph; `dot`'s orthogonal routing can run
# for hours on thousands of nodes, and the table says so instead of waiting.
TOOL_TIMEOUT_S = 300


def run(cmd, timeout=None, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout, **kw)


def archsmith(model, auto):
    cmd = ["cargo", "run", "-q", "--release", "--example", "diagram_geometry", "--", model]
    if auto:
        cmd.append("--auto")
    out = json.loads(run(cmd, cwd=ROOT).stdout)
    out["ms"] = out["layout_ms"] + out["route_ms"]
    return out


def dot(graph, clusters=False):
    lines = ["digraph g {", "rankdir=LR;", "splines=ortho;", "nodesep=0.5;", "ranksep=1.1;"]

    def node(i):
        _, _, w, h = graph["nodes"][i]
        return f'n{i} [shape=box,fixedsize=true,width={w / POINTS_PER_INCH},height={h / POINTS_PER_INCH},label=""];'

    grouped = set()
    if clusters:
        def cluster(g):
            lines.append(f"subgraph cluster_g{g} {{ label=\"\";")
            lines.extend(node(i) for i in graph["groups"][g]["members"])
            for child, other in enumerate(graph["groups"]):
                if other["parent"] == g:
                    cluster(child)
            lines.append("}")
        for g, group in enumerate(graph["groups"]):
            grouped.update(group["members"])
            if group["parent"] is None:
                cluster(g)
    lines.extend(node(i) for i in range(len(graph["nodes"])) if i not in grouped)
    for e in graph["edges"]:
        lines.append(f"n{e['from']} -> n{e['to']};")
    lines.append("}")
    started = time.perf_counter()
    out = json.loads(run(["dot", "-Tjson"], input="\n".join(lines), timeout=TOOL_TIMEOUT_S).stdout)
    ms = (time.perf_counter() - started) * 1000.0
    height = float(out["bb"].split(",")[3])
    nodes = [None] * len(graph["nodes"])
    for obj in out.get("objects", []):
        name = obj.get("name", "")
        if name.startswith("n") and name[1:].isdigit():
            x, y = (float(v) for v in obj["pos"].split(","))
            w = float(obj["width"]) * POINTS_PER_INCH
            h = float(obj["height"]) * POINTS_PER_INCH
            nodes[int(name[1:])] = [x - w / 2, height - y - h / 2, w, h]
    edges = []
    for e, edge in zip(graph["edges"], out.get("edges", [])):
        points = []
        for draw in edge.get("_draw_", []):
            if draw.get("op") in ("b", "B", "L"):
                points.extend([[p[0], height - p[1]] for p in draw["points"]])
        edges.append({"from": e["from"], "to": e["to"], "points": points})
    return {"nodes": nodes, "edges": edges, "ms": ms}


def dot_clusters(graph):
    return dot(graph, clusters=True)


def elk_clusters(graph):
    return elk(graph, ELK_CLUSTERS_SCRIPT)


def elk(graph, source=ELK_SCRIPT):
    if not os.path.exists(os.path.join(ELK_HOME, "node_modules", "elkjs")):
        os.makedirs(ELK_HOME, exist_ok=True)
        run(["npm", "install", "--silent", "--prefix", ELK_HOME, f"elkjs@{ELK_VERSION}"])
    with tempfile.TemporaryDirectory() as work:
        script = os.path.join(work, "layout.js")
        data = os.path.join(work, "graph.json")
        open(script, "w").write(source)
        json.dump(graph, open(data, "w"))
        env = dict(os.environ, NODE_PATH=os.path.join(ELK_HOME, "node_modules"))
        started = time.perf_counter()
        out = json.loads(run(["node", script, data], env=env, timeout=TOOL_TIMEOUT_S).stdout)
        out["ms"] = (time.perf_counter() - started) * 1000.0
    return out


def segments(drawing):
    for index, edge in enumerate(drawing["edges"]):
        points = edge["points"]
        for a, b in zip(points, points[1:]):
            yield index, (a[0], a[1]), (b[0], b[1])


def cross(p, q, r, s):
    """Whether segments p-q and r-s cross properly (not at a shared end)."""
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return 0 if abs(v) < 1e-6 else (1 if v > 0 else -1)
    o1, o2, o3, o4 = orient(p, q, r), orient(p, q, s), orient(r, s, p), orient(r, s, q)
    return o1 * o2 < 0 and o3 * o4 < 0


def measure(drawing):
    cell = 200.0
    grid = {}
    segs = list(segments(drawing))
    for k, (_, a, b) in enumerate(segs):
        for x in range(int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell)) + 1):
            for y in range(int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell)) + 1):
                grid.setdefault((x, y), []).append(k)
    pairs = set()
    for ids in grid.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                a, b = ids[i], ids[j]
                if segs[a][0] != segs[b][0] and (a, b) not in pairs and cross(segs[a][1], segs[a][2], segs[b][1], segs[b][2]):
                    pairs.add((a, b))
    boxes = drawing["nodes"]
    box_grid = {}
    for n, (x, y, w, h) in enumerate(boxes):
        for gx in range(int(math.floor(x / cell)), int(math.floor((x + w) / cell)) + 1):
            for gy in range(int(math.floor(y / cell)), int(math.floor((y + h) / cell)) + 1):
                box_grid.setdefault((gx, gy), []).append(n)
    through = 0
    for index, a, b in segs:
        edge = drawing["edges"][index]
        hit = set()
        for gx in range(int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell)) + 1):
            for gy in range(int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell)) + 1):
                for n in box_grid.get((gx, gy), []):
                    if n in (edge["from"], edge["to"]) or n in hit:
                        continue
                    x, y, w, h = boxes[n]
                    if segment_in_box(a, b, (x + 1, y + 1, w - 2, h - 2)):
                        hit.add(n)
        through += len(hit)
    xs = [p[0] for e in drawing["edges"] for p in e["points"]] + [b[0] for b in boxes] + [b[0] + b[2] for b in boxes]
    ys = [p[1] for e in drawing["edges"] for p in e["points"]] + [b[1] for b in boxes] + [b[1] + b[3] for b in boxes]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    return {
        "crossings": len(pairs),
        "through": through,
        "bends": sum(max(len(e["points"]) - 2, 0) for e in drawing["edges"]),
        "area": width * height,
        "aspect": width / max(height, 1.0),
        "page": max(width, PAGE_ASPECT * height) * max(height, width / PAGE_ASPECT),
        "ms": drawing["ms"],
    }


# The page shape Archsmith's layout aims for by default (`--aspect 16:10`).
PAGE_ASPECT = 1.6


def segment_in_box(a, b, box):
    """Liang-Barsky: whether segment a-b meets the rectangle's interior."""
    x, y, w, h = box
    if w <= 0 or h <= 0:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x), (dx, x + w - a[0]), (-dy, a[1] - y), (dy, y + h - a[1])):
        if abs(p) < 1e-9:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    return t0 < t1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--out")
    args = parser.parse_args()
    models = [(os.path.basename(p)[:-4], p) for p in sorted(
        os.path.join(ROOT, "samples", f) for f in os.listdir(os.path.join(ROOT, "samples")) if f.endswith(".ron"))]
    work = tempfile.mkdtemp()
    for size in [int(s) for s in args.sizes.split(",") if s]:
        path = os.path.join(work, f"synthetic-{size}.ron")
        run(["cargo", "run", "-q", "--release", "--example", "synthetic", "--", str(size), path], cwd=ROOT)
        models.append((f"generated {size}", path))
    rows = ["| model | tool | crossings | through boxes | bends | area (Mpx²) | aspect | 16:10 page (Mpx²) | ms |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, path in models:
        ours = archsmith(path, auto=True)
        results = [("Archsmith", ours)]
        tools = [("dot", dot), ("ELK", elk)]
        if ours.get("groups"):
            tools += [("dot, clusters", dot_clusters), ("ELK, clusters", elk_clusters)]
        for tool, run_tool in tools:
            try:
                results.append((tool, run_tool(ours)))
            except subprocess.TimeoutExpired:
                rows.append(f"| {name} | {tool} | | | | | | | > {TOOL_TIMEOUT_S * 1000} (stopped) |")
                print(rows[-1], file=sys.stderr)
            except (subprocess.CalledProcessError, json.JSONDecodeError, KeyError) as error:
                print(f"{tool} failed on {name}: {error}", file=sys.stderr)
        for tool, drawing in results:
            m = measure(drawing)
            rows.append(
                f"| {name} | {tool} | {m['crossings']} | {m['through']} | {m['bends']} | "
                f"{m['area'] / 1e6:.2f} | {m['aspect']:.2f} | {m['page'] / 1e6:.2f} | {m['ms']:.1f} |")
            print(rows[-1], file=sys.stderr)
    table = "\n".join(rows) + "\n"
    print(table)
    if args.out:
        open(args.out, "w").write(table)


if __name__ == "__main__":
    main()
