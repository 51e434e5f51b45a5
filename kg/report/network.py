"""The speaker network: speakers, the organisations they belong to, whom they address and what
they talk about, laid out with networkx and drawn as an interactive (zoom, pan, hover, legend
toggles, click-to-focus) Plotly chart."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx
import plotly.graph_objects as go

from kg.report.colours import speaker_colour
from kg.report.data import ReportData
from kg.report.plots import figure_html, hover_escape

# A network this size is past reading anyway, so only the most connected nodes are drawn; the cap
# also keeps every component under 500 nodes, where networkx's force layout would need scipy.
MAX_NODES = 400

DIV_ID = "network-plot"

# relation → (legend label, line style)
_RELATIONS: dict[str, tuple[str, str]] = {
    "about": ("talks about", "solid"),
    "member": ("member of", "dash"),
    "told": ("addressed", "dot"),
}
_SYMBOLS = {
    "Person": "circle",
    "Organization": "square",
    "Group": "diamond",
    "Place": "triangle-up",
    "Thing": "x",
}


@dataclass(frozen=True)
class Network:
    html: str  # the chart's <div> and its script ("" when there is nothing to draw)
    nodes: int
    edges: int
    total_nodes: int  # before the MAX_NODES cut


def speaker_network(data: ReportData) -> Network:
    """Build, lay out and draw the network of everything quoted speakers connect to."""
    edges = _edges(data)
    quotes = Counter(q.speaker for q in data.quotes if q.speaker)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(quotes))  # a speaker with no links is still a node
    for (u, v, _rel), weight in sorted(edges.items()):
        w = graph.get_edge_data(u, v, {"weight": 0})["weight"]
        graph.add_edge(u, v, weight=w + weight)
    total = graph.number_of_nodes()
    if total == 0:
        return Network(html="", nodes=0, edges=0, total_nodes=0)
    keep = _most_connected(graph, quotes)
    graph = nx.Graph(graph.subgraph(keep))
    pos = _layout(graph)
    kept_edges = {k: w for k, w in edges.items() if k[0] in pos and k[1] in pos}
    fig = go.Figure(
        data=[*_edge_traces(kept_edges, pos), *_node_traces(data, graph, pos, quotes, kept_edges)]
    )
    xrange, yrange, height = _frame(pos)
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"visible": False, "range": xrange},
        yaxis={"visible": False, "scaleanchor": "x", "range": yrange},
        legend={"orientation": "h", "y": 1.04, "x": 0},
        dragmode="pan",
        hovermode="closest",
    )
    return Network(
        html=figure_html(fig, DIV_ID),
        nodes=graph.number_of_nodes(),
        edges=len(kept_edges),
        total_nodes=total,
    )


def _edges(data: ReportData) -> Counter[tuple[str, str, str]]:
    """(speaker, other, relation) → how many quotations (or roles) support it."""
    edges: Counter[tuple[str, str, str]] = Counter()
    speakers = {q.speaker for q in data.quotes if q.speaker}
    for q in data.quotes:
        if not q.speaker:
            continue
        for e in q.about:
            if e != q.speaker:
                edges[(q.speaker, e, "about")] += 1
        for e in q.addressees:
            if e != q.speaker:
                edges[(q.speaker, e, "told")] += 1
    for role in data.roles:
        if role.person in speakers and role.organization and role.organization != role.person:
            edges[(role.person, role.organization, "member")] += 1
    return edges


def _most_connected(graph: nx.Graph, quotes: Counter[str]) -> list[str]:
    ranked = sorted(graph.nodes, key=lambda n: (-quotes.get(n, 0), -graph.degree(n, weight="weight"), n))
    return sorted(ranked[:MAX_NODES])


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Lay out each connected component on its own, then pack the components in rows.

    One force layout over the whole graph flings the many unconnected speakers to a ring and
    crushes the connected ones in the middle; packing keeps every group readable.  Seeded
    layouts over sorted nodes make the same graph give the same picture, and coordinates are
    rounded so float noise cannot change the bytes of the report.
    """
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
    placed: list[tuple[list[str], dict[str, tuple[float, float]], float]] = []
    for nodes in components:
        # Room grows with the component's area; a lone speaker needs only room for its label.
        side = 2.4 if len(nodes) == 1 else 1.2 + 1.8 * math.sqrt(len(nodes))
        placed.append((nodes, _component_layout(graph, nodes), side))
    # Rows about 1.7 times as wide as the picture is tall fill the chart; never narrower than
    # that for the largest component alone, so small ones sit beside it instead of below.
    row_width = max(
        math.sqrt(sum(side * side for _, _, side in placed) * 1.7),
        1.7 * max(side for _, _, side in placed),
    )
    rows: list[list[tuple[list[str], dict[str, tuple[float, float]], float]]] = [[]]
    width = 0.0
    for item in placed:
        if rows[-1] and width + item[2] > row_width:
            rows.append([])
            width = 0.0
        rows[-1].append(item)
        width += item[2]
    pos: dict[str, tuple[float, float]] = {}
    y = 0.0
    for row in rows:
        height = max(side for _, _, side in row)
        x = 0.0
        for nodes, local, side in row:
            cx, cy = x + side / 2, y - height / 2  # centred in its row
            for n in nodes:
                lx, ly = local[n]
                pos[n] = (round(cx + lx * side * 0.42, 4), round(cy + ly * side * 0.42, 4))
            x += side
        y -= height
    return dict(sorted(pos.items()))


def _frame(pos: dict[str, tuple[float, float]]) -> tuple[list[float], list[float], int]:
    """Axis ranges and chart height that fit the layout: a small network stays small instead of
    being blown up to fill the chart."""
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    pad_x, pad_y = 3.2, 1.2  # room for the labels (wide, one line high) of the outermost nodes
    x_span = max(max(xs) - min(xs) + 2 * pad_x, 14.0)
    y_span = max(ys) - min(ys) + 2 * pad_y
    x_mid, y_mid = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    xrange = [round(x_mid - x_span / 2, 4), round(x_mid + x_span / 2, 4)]
    yrange = [round(y_mid - y_span / 2, 4), round(y_mid + y_span / 2, 4)]
    pixels_per_unit = 1060 / x_span  # the chart is about 1060 px wide in the page
    height = min(max(round(y_span * pixels_per_unit) + 70, 320), 900)
    return xrange, yrange, height


def _component_layout(graph: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² for one connected component (weights ignored: a pair quoted often
    should not collapse onto one point)."""
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.subgraph(nodes).edges))
    pos = nx.spring_layout(sub, seed=7, iterations=100, weight=None, method="force")
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _edge_traces(
    edges: dict[tuple[str, str, str], int], pos: dict[str, tuple[float, float]]
) -> list[go.Scatter]:
    traces = []
    for rel, (label, dash) in _RELATIONS.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v, r in sorted(edges):
            if r == rel:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
        if xs:
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=label,
                    hoverinfo="skip",
                    line={"width": 1, "color": "#9ca3af", "dash": dash},
                )
            )
    return traces


def _node_traces(
    data: ReportData,
    graph: nx.Graph,
    pos: dict[str, tuple[float, float]],
    quotes: Counter[str],
    edges: dict[tuple[str, str, str], int],
) -> list[go.Scatter]:
    """One trace per entity kind, so the legend can hide or show a kind."""
    links: dict[str, list[str]] = defaultdict(list)
    for u, v, rel in sorted(edges):
        links[u].append(f"{_RELATIONS[rel][0]} {data.entity_name(v)}")
    labels = _label_positions(graph, pos)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in sorted(graph.nodes):
        by_kind[data.entity_kind(n)].append(n)
    traces = []
    for kind, symbol in _SYMBOLS.items():
        nodes = by_kind.get(kind)
        if not nodes:
            continue
        colours = [speaker_colour(n) for n in nodes]
        traces.append(
            go.Scatter(
                x=[pos[n][0] for n in nodes],
                y=[pos[n][1] for n in nodes],
                mode="markers+text",
                name=kind,
                # Only speakers are labelled: the entities they mention would bury the picture.
                text=[data.entity_name(n) if quotes.get(n) else "" for n in nodes],
                textposition=[labels[n] for n in nodes],
                textfont={"size": 10},
                hovertext=[_hover(data, n, quotes.get(n, 0), links.get(n, [])) for n in nodes],
                hoverinfo="text",
                customdata=nodes,
                marker={
                    "symbol": symbol,
                    "size": [10 + 4 * math.sqrt(quotes[n]) if quotes.get(n) else 8 for n in nodes],
                    "color": [
                        c.solid if quotes.get(n) else c.tint for n, c in zip(nodes, colours, strict=True)
                    ],
                    "line": {"width": 1, "color": [c.solid for c in colours]},
                },
            )
        )
    return traces


def _label_positions(graph: nx.Graph, pos: dict[str, tuple[float, float]]) -> dict[str, str]:
    """Labels go above nodes; lone speakers sit side by side in rows, so every other one has its
    label below, which halves the overlap of long names."""
    out = dict.fromkeys(graph.nodes, "top center")
    lone = sorted((n for n in graph.nodes if graph.degree(n) == 0), key=lambda n: (-pos[n][1], pos[n][0], n))
    for i, n in enumerate(lone):
        if i % 2:
            out[n] = "bottom center"
    return out


def _hover(data: ReportData, node: str, quotes: int, links: list[str]) -> str:
    """Plotly hover labels take a little HTML (<br>, <b>): names are escaped for it."""
    lines = [f"<b>{hover_escape(data.entity_name(node) or node)}</b> ({data.entity_kind(node)})"]
    if quotes:
        lines.append(f"{quotes} quotation{'s' if quotes != 1 else ''}")
    lines += [hover_escape(link) for link in links[:8]]
    if len(links) > 8:
        lines.append(f"… and {len(links) - 8} more")
    return "<br>".join(lines)
