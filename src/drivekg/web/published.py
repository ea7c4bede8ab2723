"""What ``drivekg build`` wrote, loaded once for the server: entity representations, dumps, VoID.

An entity is a key with files ``site/id/{key}.html|.ttl|.jsonld|.nt``; each file becomes a
``Representation`` (bytes, media type, strong ETag). The base IRI comes from ``void:uriSpace``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from drivekg.errors import DriveKGError
from drivekg.formats import BY_NAME, FORMATS, JSONLD
from drivekg.iris import publication_root
from drivekg.vocab import VOID, bind_prefixes

__all__ = ["EXTENSIONS", "HTML", "Published", "Representation", "local_path", "localize"]

HTML = "text/html"
EXTENSIONS = {"html": "html", **{f.extension: f.name for f in FORMATS}}  # file extension -> format


@dataclass(frozen=True)
class Representation:
    body: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Representation:
        return cls(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@dataclass
class Published:
    """An output directory of ``drivekg build``, read once at start-up."""

    out_dir: Path
    base: str = ""
    entities: dict[str, dict[str, Representation]] = field(default_factory=dict)
    dumps: dict[str, Representation] = field(default_factory=dict)
    void: Graph = field(default_factory=Graph)

    @classmethod
    def load(cls, out_dir: Path) -> Published:
        site = out_dir / "site"
        needed = ("graph.ttl", "void.ttl", "site/index.html")
        missing = [p for p in needed if not (out_dir / p).exists()]
        if missing:
            raise DriveKGError(
                f"{out_dir}: not a complete build (no {', '.join(missing)}); "
                f"run `drivekg build --out {out_dir}` first"
            )
        pub = cls(out_dir)
        pub.void = Graph().parse(out_dir / "void.ttl", format="turtle")
        spaces = sorted(str(o) for o in pub.void.objects(None, VOID.uriSpace))
        if not spaces:
            raise DriveKGError(f"{out_dir}/void.ttl names no void:uriSpace (the base IRI)")
        pub.base = spaces[0]
        media = {"html": HTML, **{f.name: f.media_type for f in FORMATS}}
        for ttl in sorted((site / "id").rglob("*.ttl")):
            key = ttl.relative_to(site / "id").as_posix()[: -len(".ttl")]
            reps = {}
            for ext, name in EXTENSIONS.items():
                path = ttl.with_name(f"{ttl.name[: -len('.ttl')]}.{ext}")
                if path.exists():
                    reps[name] = Representation.of(path.read_bytes(), media[name])
            pub.entities[key] = reps
        for name in ("graph.ttl", "graph.jsonld", "graph.nt", "context.jsonld"):
            path = out_dir / name
            if path.exists():
                fmt = BY_NAME.get(name.rsplit(".", 1)[1], JSONLD)
                pub.dumps[name] = Representation.of(path.read_bytes(), fmt.media_type)
        return pub

    @property
    def root(self) -> str:
        return publication_root(self.base)

    def triples(self) -> int:
        counts = [int(o) for o in self.void.objects(None, VOID.triples) if isinstance(o, Literal)]
        return counts[0] if counts else 0


def local_path(published: Published, target: str) -> str:
    """An IRI under the base -> its path on this server (``{base}x`` -> ``/id/x``)."""
    if target.startswith(published.base):
        return "/id/" + target[len(published.base):]
    return target


# the dumps and the SPARQL endpoint: the locations a server rewrites to its own address
LOCATIONS = (VOID.dataDump, VOID.sparqlEndpoint)


def localize(void: Graph, root: str, origin: str) -> Graph:
    """The same description with the dumps and the endpoint at ``origin`` instead of ``root``."""
    out = bind_prefixes(Graph())
    for prefix, ns in void.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for s, p, o in void:
        if p in LOCATIONS and str(o).startswith(root):
            o = URIRef(origin + str(o)[len(root):])
        out.add((s, p, o))
    return out
