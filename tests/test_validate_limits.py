"""`drivekg validate` on hostile files: bounded time and size, one error line, no network."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivekg.cli import main
from drivekg.graph.rdfinput import MAX_DEPTH

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LAUGHS = "\n".join(
    [
        '<?xml version="1.0"?>',
        "<!DOCTYPE rdf:RDF [",
        ' <!ENTITY lol "lol">',
        *(
            f' <!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">'
            for i in range(1, 10)
        ),
        "]>",
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">',
        '  <rdf:Description rdf:about="urn:x:a"><s:name>&lol9;</s:name></rdf:Description>',
        "</rdf:RDF>",
    ]
)


def run(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`drivekg` in its own process (a crash or a hang cannot take the test run with it)."""
    return subprocess.run(
        [sys.executable, "-m", "drivekg", *argv],
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def one_error_line(result: subprocess.CompletedProcess[str], path: Path) -> str:
    """The single stderr line of a run that could not validate, without the program name."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"drivekg: {path}:"), lines[0]
    return lines[0].removeprefix(f"drivekg: {path}")


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    """A 1 KB entity bomb in RDF/XML: refused in seconds (guard: 10 s) with file:line, exit 2."""
    bomb = tmp_path / "laughs.rdf"
    bomb.write_text(LAUGHS)
    assert bomb.stat().st_size < 1100
    where = one_error_line(run("validate", str(bomb), timeout=10), bomb)
    assert where.startswith(":15: ")


def test_entity_expansion_counts_against_the_size_limit(tmp_path: Path) -> None:
    """XML entities expanding past --max-size are refused even below expat's bomb threshold."""
    doc = tmp_path / "wide.rdf"
    names = "".join("&big;" for _ in range(100))
    doc.write_text(
        f'<!DOCTYPE rdf:RDF [<!ENTITY big "{"x" * 1000}">]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">\n'
        f'<rdf:Description rdf:about="urn:x:a"><s:name>{names}</s:name></rdf:Description>\n'
        "</rdf:RDF>\n"
    )
    assert run("validate", str(doc)).returncode == 0
    where = one_error_line(run("validate", "--max-size", "50K", str(doc)), doc)
    assert where.startswith(":3: ") and "51,200" in where


def test_a_long_literal_in_n_triples_validates_quickly(tmp_path: Path) -> None:
    """A 4 MB literal in N-Triples (69 s before) validates in seconds (guard: 30 s)."""
    doc = tmp_path / "long.nt"
    doc.write_text(f'<urn:x:a> <https://schema.org/name> "{"a" * 4_000_000}" .\n')
    result = run("validate", str(doc), timeout=30)
    assert (result.returncode, result.stdout) == (0, f"{doc}: conforms (1 triples)\n")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """--max-size: a larger file is refused with one line naming the limit, before parsing."""
    doc = tmp_path / "graph.ttl"
    doc.write_text("<urn:x:a> <https://schema.org/name> 'x' .\n" * 100)
    assert run("validate", "--max-size", "5K", str(doc)).returncode == 0
    where = one_error_line(run("validate", "--max-size", "4K", str(doc)), doc)
    assert where.startswith(": ") and "4,096 bytes" in where and "--max-size" in where


def test_the_default_size_limit_is_16_mib(tmp_path: Path) -> None:
    """Without --max-size, a file of 16 MiB + 1 byte is refused (the documented default)."""
    doc = tmp_path / "big.nt"
    with open(doc, "wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)
    where = one_error_line(run("validate", str(doc)), doc)
    assert "16,777,216 bytes" in where


def test_deep_xml_nesting_is_refused(tmp_path: Path) -> None:
    """RDF/XML nested deeper than MAX_DEPTH is refused (pyoxigraph's time grows with depth²)."""
    doc = tmp_path / "deep.rdf"
    depth = 20_000
    doc.write_text(
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">\n'
        '<rdf:Description rdf:about="urn:x:a">'
        + "<s:p><rdf:Description>" * depth
        + "</rdf:Description></s:p>" * depth
        + "</rdf:Description></rdf:RDF>\n"
    )
    where = one_error_line(run("validate", str(doc), timeout=20), doc)
    assert where.startswith(":2: ") and str(MAX_DEPTH) in where


def test_deep_json_ld_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    """JSON-LD nested 10,000 deep (pyoxigraph's stack overflows) is refused with exit 2."""
    doc = tmp_path / "deep.jsonld"
    doc.write_text('{"@id": "urn:x:a", "urn:x:p": ' + '{"urn:x:p": ' * 10_000 + "1" + "}" * 10_001)
    where = one_error_line(run("validate", str(doc), timeout=20), doc)
    assert where.startswith(": ") and str(MAX_DEPTH) in where


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.ttl", "@prefix s: <https://schema.org/> .\n\n<urn:x:a> s:name bar:baz .\n", 3),
        ("bad.nt", '<urn:x:a> <urn:x:b> "x" .\n<urn:x:a> <urn:x:b> "unterminated .\n', 2),
        ("bad.jsonld", '{"@id": "urn:x:a",\n "urn:x:b": }\n', 2),
        ("bad.rdf", f'<rdf:RDF xmlns:rdf="{RDF}">\n<rdf:Description>\n</rdf:RDF>\n', 3),
        ("bad.ttl", '<urn:x:a> <urn:x:b> """never closed\n\n\n', 1),
        ("enc.rdf", f'<?xml version="1.0" encoding="utf0-8"?>\n<rdf:RDF xmlns:rdf="{RDF}"/>\n', 1),

    ],
)
def test_a_syntax_error_is_one_line_with_its_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int
) -> None:
    """Every parser's error comes out as `drivekg: file:line: message` on one line, exit 2."""
    doc = tmp_path / name
    doc.write_text(text)
    assert main(["validate", str(doc)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"drivekg: {doc}:{line}: ")


def test_an_rdf_error_without_a_line_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An RDF/XML error pyoxigraph gives no line for: `drivekg: file: message`, one line."""
    doc = tmp_path / "nons.rdf"
    doc.write_text("<RDF><Description about='urn:x:a'/></RDF>\n")
    assert main(["validate", str(doc)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"drivekg: {doc}: ")


def test_rdf_1_2_triple_terms_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A triple term (RDF 1.2), which an rdflib graph cannot hold, is a clear error."""
    doc = tmp_path / "star.ttl"
    doc.write_text("<urn:x:a> <urn:x:b> <<( <urn:x:a> <urn:x:b> <urn:x:c> )>> .\n")
    assert main(["validate", str(doc)]) == 2
    assert "triple terms (RDF 1.2) are not supported" in capsys.readouterr().err


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, str]]:
    """A TCP listener on 127.0.0.1 that no validation may connect to; yields it and its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.settimeout(0.5)
        yield sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def no_connection(sock: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        sock.accept()


def test_owl_imports_are_not_followed(
    tmp_path: Path, listener: tuple[socket.socket, str]
) -> None:
    """A graph that owl:imports a URL on 127.0.0.1 validates without connecting to it."""
    sock, url = listener
    doc = tmp_path / "imports.ttl"
    doc.write_text(
        f"<urn:x:o> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        f"  <http://www.w3.org/2002/07/owl#imports> <{url}/shapes.ttl> .\n"
    )
    result = run("validate", str(doc))
    assert result.returncode == 0, result.stderr
    no_connection(sock)


def test_xml_external_entities_and_dtds_are_not_fetched(
    tmp_path: Path, listener: tuple[socket.socket, str]
) -> None:
    """An external DTD, external entity and parameter entity on 127.0.0.1: none is fetched."""
    sock, url = listener
    for number, doctype in enumerate(
        [
            f'<!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">',
            f'<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{url}/ext">]>',
            f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{url}/p"> %p;]>',
        ]
    ):
        doc = tmp_path / f"ext{number}.rdf"
        doc.write_text(
            f'<?xml version="1.0"?>\n{doctype}\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">\n'
            '<rdf:Description rdf:about="urn:x:a"><s:name>a &ext;</s:name></rdf:Description>\n'
            "</rdf:RDF>\n"
            if number == 1
            else f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF xmlns:rdf="{RDF}"/>\n'
        )
        result = run("validate", str(doc))
        assert result.returncode in (0, 2) and "Traceback" not in result.stderr
    no_connection(sock)


@pytest.mark.parametrize("key", ["@context", "@import"])
def test_remote_json_ld_contexts_are_refused_without_connecting(
    tmp_path: Path, listener: tuple[socket.socket, str], key: str
) -> None:
    """A JSON-LD @context (or a context's @import) naming a URL: exit 2 naming it, no connection."""
    sock, url = listener
    doc = tmp_path / "remote.jsonld"
    context: object = f"{url}/ctx.jsonld"
    if key == "@import":
        context = {"@import": context, "name": "https://schema.org/name"}
    doc.write_text(json.dumps({"@context": context, "@id": "urn:x:a", "name": "x"}))
    where = one_error_line(run("validate", str(doc)), doc)
    assert f"{url}/ctx.jsonld" in where
    no_connection(sock)


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_a_utf8_byte_order_mark_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """A file an editor saved with a UTF-8 byte order mark validates like one without."""
    body = {
        "ttl": '<urn:x:a> <https://schema.org/name> "x" .\n',
        "nt": '<urn:x:a> <https://schema.org/name> "x" .\n',
        "jsonld": '{"@id": "urn:x:a", "https://schema.org/name": "x"}',
        "rdf": f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:s="https://schema.org/">'
        '<rdf:Description rdf:about="urn:x:a"><s:name>x</s:name></rdf:Description></rdf:RDF>',
    }[suffix]
    doc = tmp_path / f"bom.{suffix}"
    doc.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert main(["validate", str(doc)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out == f"{doc}: conforms (1 triples)\n"
