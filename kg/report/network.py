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

# networkx's force layout stays on numpy below 500 nodes (above, it needs scipy); a network
# this size is past reading anyway, so keep the most connected nodes.
MAX_NODES = 400

DIV_ID = "network-plot"

# relation → (legend label, line style)
_RELATIONS: dict[str, tuple[str, str]] = {
    "about": ("talks about", "solid"),
    "member": ("member of", "dash"),
    "told": ("addressed", "dot"),
}
_SYMBOLS = {"Person": "circle", "Organization": "square", "Group": "diamond", "Place": "triangle-up",
            "Thing": "x"}


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
    fig = go.Figure(data=[*_edge_traces(kept_edges, pos), *_node_traces(data, graph, pos, quotes, kept_edges)])
    fig.update_layout(
        height=640,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
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
    """Seeded force layout over nodes added in sorted order: the same graph gives the same picture.
    Coordinates are rounded so float noise cannot change the bytes of the report."""
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_edges_from(sorted((min(u, v), max(u, v), d) for u, v, d in graph.edges(data=True)))
    k = 1.2 / math.sqrt(max(len(ordered), 1))  # a little looser than the default: room for labels
    pos = nx.spring_layout(ordered, k=k, seed=7, iterations=200, method="force")
    return {n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in sorted(pos.items())}


def _edge_traces(edges: dict[tuple[str, str, str], int], pos: dict[str, tuple[float, float]]) -> list[go.Scatter]:
    traces = []
    for rel, (label, dash) in _RELATIONS.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for (u, v, r) in sorted(edges):
            if r == rel:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
        if xs:
            traces.append(
                go.Scatter(
                    x=xs, y=ys, mode="lines", name=label, hoverinfo="skip",
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
    for (u, v, rel) in sorted(edges):
        links[u].append(f"{_RELATIONS[rel][0]} {data.entity_name(v)}")
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
                textposition="top center",
                textfont={"size": 10},
                hovertext=[_hover(data, n, quotes.get(n, 0), links.get(n, [])) for n in nodes],
                hoverinfo="text",
                customdata=nodes,
                marker={
                    "symbol": symbol,
                    "size": [10 + 4 * math.sqrt(quotes[n]) if quotes.get(n) else 8 for n in nodes],
                    "color": [c.solid if quotes.get(n) else c.tint for n, c in zip(nodes, colours, strict=True)],
                    "line": {"width": 1, "color": [c.solid for c in colours]},
                },
            )
        )
    return traces


def _hover(data: ReportData, node: str, quotes: int, links: list[str]) -> str:
    """Plotly hover labels take a little HTML (<br>, <b>): names are escaped for it."""
    lines = [f"<b>{hover_escape(data.entity_name(node) or node)}</b> ({data.entity_kind(node)})"]
    if quotes:
        lines.append(f"{quotes} quotation{'s' if quotes != 1 else ''}")
    lines += [hover_escape(link) for link in links[:8]]
    if len(links) > 8:
        lines.append(f"… and {len(links) - 8} more")
    return "<br>".join(lines)

