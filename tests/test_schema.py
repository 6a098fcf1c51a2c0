"""The shipped JSON Schema agrees with the loader: shipped flows pass, mistakes are caught."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from troubleshooter import yamlio
from troubleshooter.content import flows_dir
from troubleshooter.flow.probes import REGISTRY
from troubleshooter.yamlio import yaml_files

FIXTURES = Path(__file__).parent / "fixtures"
FLOW_FILES = yaml_files([flows_dir()]) + [FIXTURES / "flows" / "mini.yaml"]  # not the translation markers


def _validator() -> Draft7Validator:
    schema = json.loads((resources.files("troubleshooter") / "flow" / "flow.schema.json").read_text("utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_schema_accepts_flow(path: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(yamlio.load(path).data)]
    assert errors == []


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_flow_file_names_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (path.parent / first.split("=", 1)[1]).resolve().name == "flow.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve().is_file()


def test_schema_rejects_a_missing_translation() -> None:
    data = yamlio.load(FIXTURES / "schema" / "missing_translation.yaml").data
    errors = list(_validator().iter_errors(data))
    assert errors
    assert any("'en' is a required property" in e.message for e in errors)


@pytest.mark.parametrize(("change", "path"), [
    (lambda node: node.update(kind="teleport"), "kind"),
    (lambda node: node.update(text={"cs": "", "en": "x"}), "text"),
    (lambda node: node.update(colour="red"), "colour"),
    (lambda node: node.pop("status"), "status"),
])
def test_schema_rejects_broken_nodes(change, path: str) -> None:
    data = yamlio.load(FIXTURES / "flows" / "mini.yaml").data
    change(data["nodes"]["done"])
    assert list(_validator().iter_errors(data)), path


def test_probe_name_examples_are_registered_probes() -> None:
    # examples feed the editor's completion; lint, not the schema, refuses unknown names
    schema = json.loads((resources.files("troubleshooter") / "flow" / "flow.schema.json").read_text("utf-8"))
    examples = schema["definitions"]["probe"]["properties"]["probe"]["examples"]
    assert examples and set(examples) <= set(REGISTRY)
