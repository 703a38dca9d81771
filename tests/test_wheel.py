"""newsspan is installable: a wheel built from the repo holds its package data (schemas, guidelines, the span
component's assets, Alembic's templates), holds no test infrastructure, and works from a folder outside the
checkout: ``newsspan init``, ``ingest``, ``release build`` and ``datasets.load_dataset`` of the release.

The clean environment is a new virtual environment with the wheel installed into it (``--no-deps``); its
dependencies are made visible by a ``.pth`` line naming the development environment's site-packages, so the
test does not download ~1 GB of wheels on every run. A plain path line in a ``.pth`` does not run the ``.pth``
files of that folder, so the checkout's editable install stays invisible; the test checks that ``corpus``,
``workbench`` and ``schema`` are imported from the new environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.project_fixtures import REPO_ROOT, SEEDS

REQUIRED_DATA = (
    "schema/labelset.json",
    "schema/labelset.meta.schema.json",
    "schema/annotation.schema.json",
    "schema/document.schema.json",
    "schema/actors.json",
    "schema/actors.schema.json",
    "schema/examples/propaganda.labelset.json",
    "schema/guidelines.md",
    "corpus/learn/config.cfg",
    "workbench/span_component/component.js",
    "workbench/span_component/component.css",
    "workbench/store/migrations/script.py.mako",
    "workbench/store/migrations/env.py",
    "workbench/store/migrations/versions/0001_initial.py",
    "workbench/store/migrations/versions/0002_accounts_sessions.py",
    "workbench/app.py",
    "workbench/server.py",
    "workbench/views/annotate.py",
    "workbench/views/users.py",
)


def sh(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (so the build leaves nothing behind in the repo)."""
    source = tmp_path_factory.mktemp("source") / "newsspan"
    files = sh(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT).split()
    for name in files:
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    sh(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        cwd=source,
    )
    (built,) = out.glob("newsspan-*.whl")
    return built


def test_wheel_holds_package_data_and_no_test_infrastructure(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED_DATA if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"corpus", "workbench", "schema"}
    assert not [name for name in names if "throwaway" in name or name.startswith("tests/")]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "newsspan = workbench.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    sh([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        sh(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path
        ).strip()
    )
    (site / "_newsspan_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip runs under the new environment's Python (so scripts point at it); --ignore-installed because the
    # development environment's editable newsspan is visible through the .pth and must not be touched.
    sh(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed", str(wheel)],
        cwd=tmp_path,
    )
    assert (venv / "bin" / "newsspan").read_text().startswith(f"#!{python}")

    project = tmp_path / "elsewhere"
    project.mkdir()
    shutil.copytree(SEEDS, project / "articles", ignore=shutil.ignore_patterns("gold"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "NEWSSPAN_HOME", "VIRTUAL_ENV")
    }
    env |= {
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_CACHE": str(tmp_path / "hf-cache"),
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
    }

    where = sh(
        [
            str(python),
            "-c",
            "import corpus, schema, workbench; print(corpus.__file__, schema.__file__, workbench.__file__)",
        ],
        cwd=project,
        env=env,
    )
    assert all(path.startswith(str(venv)) for path in where.split()), where

    newsspan = str(venv / "bin" / "newsspan")
    assert "default news label set" in sh([newsspan, "init"], cwd=project, env=env)
    sh([newsspan, "ingest", "articles"], cwd=project, env=env)
    sh([newsspan, "release", "build", "0.1.0"], cwd=project, env=env)
    sh([newsspan, "release", "verify", "0.1.0"], cwd=project, env=env)
    shown = sh([newsspan, "schema", "show"], cwd=project, env=env)
    assert "claim" in shown
    loaded = sh(
        [
            str(python),
            "-c",
            "from datasets import load_dataset; d = load_dataset('releases/v0.1.0', 'documents', split='train'); print(d.num_rows, d.features['text'].dtype)",
        ],
        cwd=project,
        env=env,
    )
    assert loaded.split() == ["5", "string"]
