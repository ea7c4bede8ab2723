"""The W3C SPARQL 1.1 Protocol query tests against `drivekg serve` on 127.0.0.1.

Each case below is written from its description in the W3C test suite (w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl: the request's method, path, headers and body, and the
expected status, format and boolean); the suite itself is not copied here. The suite's endpoint
is `/sparql/`; here it is this server's `/sparql`.

Not run, as this endpoint serves its own graph, read-only (docs/serving.md):
- needing a client-chosen dataset: query_dataset_default_graphs_get,
  query_dataset_default_graphs_post, query_dataset_named_graphs_post,
  query_dataset_named_graphs_get, query_dataset_full, query_multiple_dataset;
- updates: update_dataset_default_graph, update_dataset_default_graphs,
  update_dataset_named_graphs, update_dataset_full, update_post_form, update_post_direct,
  update_base_uri.
query_post_form, query_get and query_content_type_{select,ask,describe,construct} name a
`default-graph-uri` (data0.rdf) that their answers do not depend on; it is left out of the
request, since this endpoint refuses a client-chosen dataset (400). The bad_update_* cases are
run: a read-only endpoint must answer them 4xx too.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from drivekg.formats import by_media_type

from .webtools import running_server, web_build


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    query_string: str = ""
    content_type: str | None = None
    body: bytes = b""
    expect_4xx: bool = False
    expect_format: str | None = None  # "boolean", "tabular", "RDF"
    expect_boolean: bool | None = None


CASES = [
    Case("query_post_form", "POST", content_type="application/x-www-form-urlencoded",
         body=b"query=ASK%20%7B%7D", expect_format="boolean", expect_boolean=True),
    Case("query_get", "GET", "query=ASK%20%7B%7D", expect_format="boolean",
         expect_boolean=True),
    Case("query_content_type_select", "POST", content_type="application/sparql-query",
         body=b"SELECT (1 AS ?value) {}", expect_format="tabular"),
    Case("query_content_type_ask", "POST", content_type="application/sparql-query",
         body=b"ASK {}", expect_format="boolean"),
    Case("query_content_type_describe", "POST", content_type="application/sparql-query",
         body=b"DESCRIBE <http://example.org/>", expect_format="RDF"),
    Case("query_content_type_construct", "POST", content_type="application/sparql-query",
         body=b"CONSTRUCT { <s> <p> 1 } WHERE {}", expect_format="RDF"),
    Case("query_post_direct", "POST", content_type="application/sparql-query", body=b"ASK {}",
         expect_format="boolean", expect_boolean=True),
    Case("bad_query_method", "PUT", "query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fkasei.us"
         "%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
         content_type="application/x-www-form-urlencoded", expect_4xx=True),
    Case("bad_multiple_queries", "GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
         expect_4xx=True),
    Case("bad_query_wrong_media_type", "POST", content_type="text/plain", body=b"ASK {}",
         expect_4xx=True),
    Case("bad_query_missing_form_type", "POST", body=b"query=ASK%20%7B%7D", expect_4xx=True),
    Case("bad_query_missing_direct_type", "POST", body=b"ASK {}", expect_4xx=True),
    Case("bad_query_non_utf8", "POST", content_type="application/sparql-query; charset=UTF-16",
         body="ASK {}".encode("utf-16"), expect_4xx=True),
    Case("bad_query_syntax", "GET", "query=ASK%20%7B", expect_4xx=True),
    Case("bad_update_get", "GET", "update=CLEAR%20ALL", expect_4xx=True),
    Case("bad_multiple_updates", "POST", content_type="application/x-www-form-urlencoded",
         body=b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", expect_4xx=True),
    Case("bad_update_wrong_media_type", "POST", content_type="text/plain", body=b"CLEAR NAMED",
         expect_4xx=True),
    Case("bad_update_missing_form_type", "POST", body=b"update=CLEAR%20NAMED", expect_4xx=True),
    Case("bad_update_non_utf8", "POST", content_type="application/sparql-update; charset=UTF-16",
         body="CLEAR NAMED".encode("utf-16"), expect_4xx=True),
    Case("bad_update_syntax", "POST", content_type="application/x-www-form-urlencoded",
         body=b"update=CLEAR%20XYZ", expect_4xx=True),
    Case("bad_update_dataset_conflict", "POST", "using-named-graph-uri=http%3A%2F%2Fexample%2F"
         "people", content_type="application/sparql-update",
         body=b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
              b"DELETE { ?person foaf:givenName 'Bill' }\n"
              b"INSERT { ?person foaf:givenName 'William' }\n"
              b"WHERE { ?person foaf:givenName 'Bill' }", expect_4xx=True),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out: Path = web_build(tmp_path_factory)
    log = tmp_path_factory.mktemp("protocol") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as running:
        server: tuple[str, subprocess.Popen[bytes]] = running
        yield server[0]


def boolean_of(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    assert media == "application/sparql-results+xml", media
    root = ET.fromstring(response.content)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None and node.text is not None
    return node.text.strip() == "true"


def check_tabular(response: httpx.Response) -> None:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        assert "bindings" in json.loads(response.content)["results"]
    elif media == "application/sparql-results+xml":
        ET.fromstring(response.content)
    else:
        assert media in ("text/csv", "text/tab-separated-values"), media
        list(csv.reader(io.StringIO(response.text)))


def check_rdf(response: httpx.Response) -> Graph:
    fmt = by_media_type(response.headers["content-type"], "rdf")
    assert fmt is not None and fmt.rdflib is not None, response.headers["content-type"]
    return Graph().parse(data=response.content, format=fmt.rdflib)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_case(url: str, case: Case) -> None:
    """The request of the W3C case gets the status, format and answer its description says."""
    target = f"{url}/sparql" + (f"?{case.query_string}" if case.query_string else "")
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    with httpx.Client(timeout=30) as client:
        request = client.build_request(case.method, target, content=case.body, headers=headers)
        if case.content_type is None and "content-type" in request.headers:
            del request.headers["content-type"]  # the case sends none
        response = client.send(request)
    if case.expect_4xx:
        assert 400 <= response.status_code < 500, response.text
        return
    assert 200 <= response.status_code < 400, response.text
    if case.expect_format == "boolean":
        answer = boolean_of(response)
        assert case.expect_boolean is None or answer == case.expect_boolean
    elif case.expect_format == "tabular":
        check_tabular(response)
    elif case.expect_format == "RDF":
        check_rdf(response)


def test_construct_resolves_relative_iris_against_the_endpoint(url: str) -> None:
    """query_content_type_construct's `<s> <p> 1`: the relative IRIs resolve against the
    endpoint's URL (the service-defined base the protocol allows)."""
    with httpx.Client(timeout=30) as client:
        r = client.post(f"{url}/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                        headers={"Content-Type": "application/sparql-query",
                                 "Accept": "application/n-triples"})
    graph = check_rdf(r)
    assert (URIRef(f"{url}/s"), URIRef(f"{url}/p"), None) in graph
