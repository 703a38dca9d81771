"""The dataset card states a real licence (from newsspan.toml or ``release build --license``) and real sizes
measured on the written files, with no placeholder link; ``datasets`` reads the card back."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from corpus.errors import NewsspanError
from corpus.licensing import parse_license, project_license, release_license
from tests.project_fixtures import SEEDS
from workbench.cli import app

runner = CliRunner()


def header(card: Path) -> dict:
    return yaml.safe_load(card.read_text(encoding="utf-8").split("---\n")[1])


def build(*args: str) -> str:
    result = runner.invoke(app, ["release", "build", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@pytest.fixture
def ingested(project: Path) -> Path:
    result = runner.invoke(app, ["ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    return project


def test_sizes_are_measured_and_no_placeholder_link(ingested: Path) -> None:
    output = build("0.1.0")
    assert "license: unknown" in output or "not configured" in output
    release = ingested / "releases" / "v0.1.0"
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "example.invalid" not in card and "license: unknown" in card
    info = header(release / "README.md")["dataset_info"]
    files = sorted((release / "data" / "documents").glob("*.parquet"))
    assert info["download_size"] == sum(file.stat().st_size for file in files)
    (split,) = info["splits"]
    table = pq.read_table(files[0])
    assert split["num_examples"] == table.num_rows == 5
    assert info["dataset_size"] == split["num_bytes"] > 0
    assert (
        abs(split["num_bytes"] - table.nbytes) / table.nbytes < 0.25
    )  # Arrow bytes, as datasets counts them


def test_licence_from_newsspan_toml_and_from_the_command_line(ingested: Path) -> None:
    (ingested / "newsspan.toml").write_text('[release]\nlicense = "CC-BY-4.0"\n', encoding="utf-8")
    build("0.1.0")
    assert header(ingested / "releases" / "v0.1.0" / "README.md")["license"] == "cc-by-4.0"
    build(
        "0.2.0",
        "--license",
        "other",
        "--license-name",
        "publisher-terms-1.0",
        "--license-link",
        "https://news.example.org/terms",
    )
    card = header(ingested / "releases" / "v0.2.0" / "README.md")
    assert (card["license"], card["license_name"], card["license_link"]) == (
        "other",
        "publisher-terms-1.0",
        "https://news.example.org/terms",
    )
    body = (ingested / "releases" / "v0.2.0" / "README.md").read_text(encoding="utf-8")
    assert "publisher-terms-1.0" in body.split("## Licence")[1]


def test_load_dataset_reads_the_card(ingested: Path, tmp_path: Path) -> None:
    import datasets

    (ingested / "newsspan.toml").write_text('[release]\nlicense = "mit"\n', encoding="utf-8")
    build("0.1.0")
    loaded = datasets.load_dataset(
        str(ingested / "releases" / "v0.1.0"), "documents", split="train", cache_dir=str(tmp_path / "c")
    )
    assert loaded.num_rows == 5


def test_bad_licences_are_one_clear_error(project: Path) -> None:
    with pytest.raises(NewsspanError, match="needs license_name and license_link"):
        parse_license("other")
    with pytest.raises(NewsspanError, match="http"):
        parse_license("other", "my-terms", "LICENSE")
    with pytest.raises(NewsspanError, match="are for license 'other'"):
        parse_license("mit", "x", "https://x.org")
    with pytest.raises(NewsspanError, match="not a licence identifier"):
        parse_license("Creative Commons!")
    with pytest.raises(NewsspanError, match="go with --license other"):
        release_license(None, "x", None)
    (project / "newsspan.toml").write_text('[release]\nlicense = "other"\n', encoding="utf-8")
    with pytest.raises(NewsspanError, match="needs license_name"):
        project_license()
    (project / "newsspan.toml").write_text("[release\n", encoding="utf-8")
    with pytest.raises(NewsspanError, match="cannot read newsspan.toml"):
        project_license()
    result = runner.invoke(app, ["release", "build", "0.1.0", "--license", "other"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_pyproject_tool_table_is_read_too(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.newsspan.release]\nlicense = "apache-2.0"\n', encoding="utf-8"
    )
    assert project_license().id == "apache-2.0"
    assert project_license(project.parent).id == "unknown"
