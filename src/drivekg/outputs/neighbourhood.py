"""A picture of one entity's neighbourhood in the graph, laid out at build time for inline SVG.

The entity sits in the middle; every entity it links to, or that links to it, sits on an ellipse
around it, joined by an arrow labelled with the properties. Coordinates are rounded so the same
graph draws the same bytes. No JavaScript, no network: the template writes plain SVG elements.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.term import Node

from drivekg.graph.labels import term_label
from drivekg.vocab import RDF, SDO

__all__ = ["MAX_NEIGHBOURS", "Picture", "Spot", "draw"]

MAX_NEIGHBOURS = 24
WIDTH, HEIGHT = 900, 560
CX, CY, RX, RY = WIDTH / 2, HEIGHT / 2, 300.0, 210.0
NODE_R, CENTER_R = 7.0, 11.0


def _clip(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _r(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Spot:
    """One neighbour: where it is drawn, what it is called, how it is linked."""

    x: str
    y: str
    label: str
    full_label: str
    href: str | None
    kind: str  # a CSS class: the neighbour's first schema.org type, else "other"
    edge: str  # property labels, " / "-joined
    points: str  # the edge: tail rim, midpoint (where the arrowhead sits), head rim
    lx: str  # where the edge label goes
    ly: str
    anchor: str  # text-anchor of the node label
    tx: str
    ty: str
    both: bool


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    cx: str
    cy: str
    r: str
    ty: str  # the centre's label
    label: str
    kind: str
    spots: tuple[Spot, ...]
    more: int  # neighbours left out to keep the picture readable


def _kind(graph: Graph, node: Node) -> str:
    types = sorted(str(t)[len(str(SDO)):] for t in graph.objects(node, RDF.type)
                   if str(t).startswith(str(SDO)))
    return f"k-{types[0].lower()}" if types else "k-other"


def draw(
    graph: Graph,
    node: URIRef,
    pages: Collection[URIRef],
    label: Callable[[Node], str],
    href: Callable[[Node], str | None],
) -> Picture:
    out_edges: dict[Node, set[str]] = defaultdict(set)
    in_edges: dict[Node, set[str]] = defaultdict(set)
    for p, o in graph.predicate_objects(node):
        if p != RDF.type and o != node and o in pages:
            out_edges[o].add(term_label(p))
    for s, p in graph.subject_predicates(node):
        if s != node and s in pages:
            in_edges[s].add(term_label(p))
    neighbours = sorted(
        set(out_edges) | set(in_edges),
        key=lambda n: (" / ".join(sorted(out_edges[n] | in_edges[n])), label(n), str(n)),
    )
    shown, more = neighbours[:MAX_NEIGHBOURS], max(0, len(neighbours) - MAX_NEIGHBOURS)
    center = label(node)
    spots = []
    for i, other in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(shown))
        x, y = CX + RX * math.cos(angle), CY + RY * math.sin(angle)
        dx, dy = x - CX, y - CY
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        rim_c = (CX + ux * (CENTER_R + 3), CY + uy * (CENTER_R + 3))
        rim_n = (x - ux * (NODE_R + 3), y - uy * (NODE_R + 3))
        outgoing = other in out_edges
        tail, head = (rim_c, rim_n) if outgoing else (rim_n, rim_c)
        mid = (tail[0] + (head[0] - tail[0]) * 0.4, tail[1] + (head[1] - tail[1]) * 0.4)
        if abs(dx) < 40:
            anchor, tx, ty = "middle", x, y + (-14 if dy < 0 else 22)
        elif dx > 0:
            anchor, tx, ty = "start", x + 12, y + 4
        else:
            anchor, tx, ty = "end", x - 12, y + 4
        edge = " / ".join(sorted(out_edges[other] | in_edges[other]))
        name = label(other)
        shown_name = name
        if name.startswith(center) and len(name) > len(center) + 3:  # "A (vinyl)" -> "… (vinyl)"
            shown_name = "…" + name[len(center):]
        along = 0.62 if i % 2 else 0.8  # edge labels staggered so neighbours' labels do not collide
        spots.append(Spot(
            x=_r(x), y=_r(y), label=_clip(shown_name), full_label=name, href=href(other),
            kind=_kind(graph, other), edge=_clip(edge, 28),
            points=" ".join(f"{_r(px)},{_r(py)}" for px, py in (tail, mid, head)),
            lx=_r(CX + dx * along), ly=_r(CY + dy * along - 3), anchor=anchor, tx=_r(tx), ty=_r(ty),
            both=other in out_edges and other in in_edges,
        ))
    return Picture(WIDTH, HEIGHT, _r(CX), _r(CY), _r(CENTER_R), _r(CY + CENTER_R + 20),
                   _clip(label(node), 40),
                   _kind(graph, node), tuple(spots), more)
