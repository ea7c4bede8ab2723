"""Graph -> bytes, deterministically: the same graph gives the same bytes in every build."""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph

from drivekg.formats import JSONLD, NTRIPLES, TURTLE, Format, context

__all__ = ["context", "dumps_json", "serialize", "to_jsonld_data"]


def _canonical(value: Any) -> Any:
    """Sort JSON-LD node lists and value arrays (they are sets: order carries no meaning)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld_data(graph: Graph) -> dict[str, Any]:
    text = graph.serialize(format="json-ld", context=context()["@context"], auto_compact=True)
    data: dict[str, Any] = json.loads(text)
    if "@graph" not in data:  # a one-node graph comes back unwrapped
        ctx = data.pop("@context", context()["@context"])
        data = {"@context": ctx, "@graph": [data] if data else []}
    data["@graph"] = _canonical(data["@graph"])
    return data


def dumps_json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def serialize(graph: Graph, fmt: Format) -> bytes:
    if fmt is NTRIPLES:
        lines = graph.serialize(format="nt", encoding="utf-8").decode().splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode()
    if fmt is JSONLD:
        return dumps_json(to_jsonld_data(graph))
    if fmt is TURTLE:
        return graph.serialize(format="turtle", encoding="utf-8")
    raise ValueError(fmt)
