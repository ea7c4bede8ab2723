"""The build end to end through the CLI: outputs, exit codes, determinism, atomic writes."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from drivekg.cli import main
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import build, render
from drivekg.vocab import RDF, SDO

from .conftest import ARTICLE, CLAIMS, DATA, ROOT

FIXTURE = DATA / "articles" / "neon-harbor.txt"
OUTPUTS = {"graph.ttl", "graph.jsonld", "context.jsonld", "graph.nt", "validation.ttl", "report.md"}


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    assert main(["build", "--out", str(out)]) == 0
    return out


def test_build_writes_every_output(built: Path) -> None:
    assert {p.name for p in built.iterdir()} >= OUTPUTS


def test_committed_out_is_a_fresh_build(built: Path) -> None:
    """out/ in the repository is byte for byte what a fresh build writes."""
    committed = ROOT / "out"
    fresh = tree(built)
    old = tree(committed)
    stale = sorted(name for name in fresh.keys() | old.keys() if fresh.get(name) != old.get(name))
    assert stale == [], f"out/ is stale; run `drivekg build` and commit: {stale[:10]}"


def test_two_builds_give_identical_bytes(tmp_path: Path, built: Path) -> None:
    """A second build in a fresh process (other hash seed) writes the same bytes."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "drivekg", "build", "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    comparison = filecmp.dircmp(built, out)
    assert tree(built) == tree(out), comparison.diff_files


def test_formats_round_trip(built: Path) -> None:
    """Turtle, JSON-LD and N-Triples hold the same graph."""
    turtle = Graph().parse(built / "graph.ttl")
    ntriples = Graph().parse(built / "graph.nt", format="nt")
    jsonld = Graph().parse(built / "graph.jsonld", format="json-ld")
    assert len(turtle) > 1000
    assert isomorphic(turtle, ntriples)
    assert isomorphic(turtle, jsonld)


def test_no_blank_nodes(built: Path) -> None:
    graph = Graph().parse(built / "graph.nt", format="nt")
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_graph_nt_is_sorted(built: Path) -> None:
    lines = (built / "graph.nt").read_text().splitlines()
    assert lines == sorted(lines)


def test_base_option_changes_every_minted_iri(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--base", "http://example.org/kg/"]) == 0
    graph = Graph().parse(out / "graph.nt", format="nt")
    minted = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert minted and all(str(s).startswith("http://example.org/kg/") for s in minted)


def test_bad_base_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--out", str(tmp_path / "o"), "--base", "not an iri"]) == 2
    assert "base IRI" in capsys.readouterr().err


def test_broken_article_leaves_out_untouched(
    tmp_path: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One clear error line, exit 2, and the previous output exactly as it was."""
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    before = tree(out)
    broken = tmp_path / "broken.txt"
    lines = ARTICLE.read_text().splitlines()
    lines[53] = lines[53].replace("June 3, 2012", "June 31, 2012")
    broken.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["build", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("drivekg: ") and "broken.txt:54: " in err[0]
    assert tree(out) == before


def test_refuses_to_replace_a_foreign_directory(tmp_path: Path) -> None:
    """--out pointing at a directory of other files is refused, and nothing is deleted."""
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["build", "--out", str(tmp_path)]) == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_second_article_builds_with_no_code_change(tmp_path: Path) -> None:
    """A fictional article in the same format, with no claims file, builds and conforms."""
    out = tmp_path / "out"
    assert main(["build", str(FIXTURE), "--out", str(out)]) == 0
    graph = Graph().parse(out / "graph.ttl")
    names = {str(o) for o in graph.objects(None, SDO.name)}
    assert {"Neon Harbor (Original Score)", "Ada Brightwater", "Low Tide Lights"} <= names


def test_an_entity_iri_does_not_depend_on_the_article(drive_build) -> None:
    """Lakeshore Records, named by both articles, gets one IRI in both graphs."""
    other = build(FIXTURE.read_text(), article_source="neon-harbor.txt", base=DEFAULT_BASE)
    lakeshore = URIRef(DEFAULT_BASE + "lakeshore-records")
    assert (lakeshore, RDF.type, SDO.Organization) in other.graph
    assert (lakeshore, RDF.type, SDO.Organization) in drive_build.graph


def test_drive_graph_conforms(drive_build) -> None:
    validation, _ = render(drive_build)
    assert validation.conforms, validation.text


def test_validate_command_exit_codes(
    tmp_path: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0 for a conforming file, 1 for one that does not conform, 2 for one that cannot be read."""
    assert main(["validate", str(built / "graph.ttl")]) == 0
    graph = Graph().parse(built / "graph.ttl")
    for triple in list(graph.triples((None, SDO.name, None)))[:1]:
        graph.remove(triple)
        graph.add((triple[0], SDO.name, URIRef("http://example.org/not-a-name")))
    bad = tmp_path / "bad.ttl"
    graph.serialize(bad, format="turtle")
    assert main(["validate", str(bad)]) == 1
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle")
    assert main(["validate", str(garbage)]) == 2


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "drivekg", "--help"], capture_output=True, text=True, check=True
    )
    assert "build" in result.stdout


def test_validate_never_fetches_a_remote_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON-LD file naming a remote @context is refused before any connection is made."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        doc = tmp_path / "remote.jsonld"
        context = f"http://127.0.0.1:{port}/ctx.jsonld"
        doc.write_text(json.dumps({"@context": context, "@id": "urn:x:a", "name": "x"}))
        assert main(["validate", str(doc)]) == 2
        assert f"refusing to load the JSON-LD @context '{context}'" in capsys.readouterr().err
        with pytest.raises(TimeoutError):
            listener.accept()


def test_nonconforming_build_writes_its_report_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A graph that breaks a shape is still written (so its report can be read), exit code 1."""
    claims = tmp_path / "claims.toml"
    claims.write_text(
        "[[claim]]\n"
        'subject = "neon-harbor-original-score"\n'
        'property = "schema:isBasedOn"\n'
        'object = "tidewater-records"\n'  # a record label is no film
        "quote = 'is the score album of a fictional 2019 film'\n"
    )
    out = tmp_path / "out"
    assert main(["build", str(FIXTURE), "--claims", str(claims), "--out", str(out)]) == 1
    assert "DOES NOT CONFORM" in capsys.readouterr().out
    report = (out / "report.md").read_text()
    assert "DOES NOT CONFORM" in report and "isBasedOn" in report
    assert (out / "validation.ttl").exists()


def test_editing_a_quoted_sentence_fails_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Change a sentence a claim quotes: the build stops at that claim's line, out/ untouched."""
    article = tmp_path / "drive.txt"
    article.write_text(ARTICLE.read_text().replace("topped iTunes charts", "led iTunes charts"))
    claims_text = CLAIMS.read_text()
    (tmp_path / "drive.claims.toml").write_text(claims_text)
    out = tmp_path / "out"
    assert main(["build", str(article), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "drive.claims.toml:" in err and "quote not found in the article" in err
    line = int(err.split("drive.claims.toml:")[1].split(":")[0])
    assert "topped iTunes charts" in claims_text.splitlines()[line - 1]
    assert not out.exists()


def test_validate_reports_each_blank_node_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two nameless people of the data, each breaking the same shape: two results, not one."""
    doc = tmp_path / "people.ttl"
    doc.write_text(
        "@prefix s: <https://schema.org/> .\n"
        "<https://w3id.org/drivekg/id/x> s:author [ a s:Person ] , [ a s:Person ] .\n"
    )
    assert main(["validate", str(doc)]) == 1
    out = capsys.readouterr().out.splitlines()
    focus = {line.split()[0] for line in out[1:]}
    assert len(focus) == 2, out
