"""What ``drivekg build`` wrote, loaded once for the server: the static pages, dumps, VoID.

The static site's pages (``site/id/{key}.html``) become ``Representation``s (bytes, media type,
strong ETag, and a gzip copy made once when first asked for). Entity *data* is not read from the
site's per-entity files: documents are built on demand from the graph (``sparql.describe``). The
base IRI comes from ``void:uriSpace``.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from drivekg.errors import DriveKGError
from drivekg.formats import FORMATS, HTML, JSONLD
from drivekg.iris import publication_root
from drivekg.layout import (
    CONTEXT,
    ENTITY_DIR,
    ID_PATH,
    MARKER,
    ONTOLOGY_PATH,
    SITE_INDEX,
    VOID,
    dump_name,
)
from drivekg.vocab import VOID as VOID_NS
from drivekg.vocab import bind_prefixes

__all__ = ["ONTOLOGY", "Published", "Representation", "local_path", "localize"]

ONTOLOGY = "https://w3id.org/drivekg/ontology"  # the ontology's IRI; its terms are ONTOLOGY#x


@dataclass(frozen=True, eq=False)
class Representation:
    body: bytes
    media_type: str  # the Content-Type header
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Representation:
        return cls(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    @cached_property
    def gzipped(self) -> bytes:
        """The body gzip-compressed (deterministic: no name, no time in the header)."""
        return gzip.compress(self.body, compresslevel=6, mtime=0)

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'


@dataclass
class Published:
    """An output directory of ``drivekg build``, read once at start-up."""

    out_dir: Path
    base: str = ""
    pages: dict[str, Representation] = field(default_factory=dict)  # key -> static page
    dumps: dict[str, Representation] = field(default_factory=dict)
    void: Graph = field(default_factory=Graph)

    @classmethod
    def load(cls, out_dir: Path) -> Published:
        needed = (MARKER, VOID, SITE_INDEX)
        missing = [p for p in needed if not (out_dir / p).exists()]
        if missing:
            raise DriveKGError(
                f"{out_dir}: not a complete build (no {', '.join(missing)}); "
                f"run `drivekg build --out {out_dir}` first"
            )
        pub = cls(out_dir)
        pub.void = Graph().parse(out_dir / VOID, format="turtle")
        spaces = sorted(str(o) for o in pub.void.objects(None, VOID_NS.uriSpace))
        if not spaces:
            raise DriveKGError(f"{out_dir}/{VOID} names no void:uriSpace (the base IRI)")
        pub.base = spaces[0]
        pages = out_dir / ENTITY_DIR
        for html in sorted(pages.rglob(f"*.{HTML.extension}")):
            key = html.relative_to(pages).as_posix()[: -len(HTML.extension) - 1]
            pub.pages[key] = Representation.of(html.read_bytes(), HTML.content_type)
        for fmt in FORMATS:
            path = out_dir / dump_name(fmt.extension)
            if path.exists():
                pub.dumps[path.name] = Representation.of(path.read_bytes(), fmt.content_type)
        if (out_dir / CONTEXT).exists():
            pub.dumps[CONTEXT] = Representation.of((out_dir / CONTEXT).read_bytes(),
                                                   JSONLD.content_type)
        return pub

    @property
    def root(self) -> str:
        return publication_root(self.base)

    def triples(self) -> int:
        counts = [int(o) for o in self.void.objects(None, VOID_NS.triples)
                  if isinstance(o, Literal)]
        return counts[0] if counts else 0


def local_path(published: Published, target: str) -> str:
    """An IRI this server answers for -> its path here: ``{base}x`` -> ``/id/x``, the ontology
    and its terms -> ``/ontology``, anything else under the publication root ``{root}x`` ->
    ``/x`` (``{root}void.ttl#dataset`` -> ``/void.ttl``). Other text is returned as it is."""
    target = target.split("#", 1)[0] if "://" in target else target
    if target.startswith(published.base):
        return ID_PATH + target[len(published.base):]
    if target == ONTOLOGY:
        return ONTOLOGY_PATH
    if target.startswith(published.root) and published.root != published.base:
        return "/" + target[len(published.root):]
    return target


# the dumps and the SPARQL endpoint: the locations a server rewrites to its own address
LOCATIONS = (VOID_NS.dataDump, VOID_NS.sparqlEndpoint)


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
