"""An installed quotegraph, not only a checkout: the wheel carries the saved queries and the
ontology (kg.resources), and `kg query --named` and `kg validate` work from it, run outside the
repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def _run(*args: object, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_wheel_carries_the_queries_and_the_ontology_and_works_outside_the_checkout(
    tmp_path: Path, sample_store_path: Path
) -> None:
    # Build from a copy: pip builds in the source tree, and the checkout must stay clean.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".venv", ".venv-*", "build", "*.egg-info", "__pycache__",
                                                  ".pytest_cache", ".ruff_cache", ".hypothesis", "exports",
                                                  "*.db", "*.shards"))
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                 "-w", tmp_path / "dist", source, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("quotegraph-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        packed = {name: archive.read(name) for name in archive.namelist()}
    # The saved queries and their other forms (queries/oxigraph, /summary — read by kg summarise — and /plain).
    for folder, pattern in (("queries", "*.rq"), ("queries", "*/*.rq"), ("ontology", "*")):
        files = sorted((ROOT / folder).glob(pattern))
        assert files
        for path in files:  # real copies, byte for byte, not links
            assert packed[f"kg/resources/{folder}/{path.relative_to(ROOT / folder)}"] == path.read_bytes(), path

    site = tmp_path / "site"
    installed = _run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site,
                     wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path)}
    which = _run(sys.executable, "-c", "import kg; print(kg.__file__)", cwd=elsewhere, env=env)
    assert which.stdout.startswith(str(site)), which  # the installed copy, not the checkout
    listed = _run(sys.executable, "-m", "kg", "query", "--list-named", cwd=elsewhere, env=env)
    assert listed.returncode == 0 and "top-speakers" in listed.stdout, listed.stderr
    top = _run(sys.executable, "-m", "kg", "query", "--named", "top-speakers", "--param", "top=1", "--format", "csv",
               "--store", sample_store_path, cwd=elsewhere, env=env)
    assert top.returncode == 0, top.stderr
    assert top.stdout.splitlines()[1].startswith("Saad al-Hadithi,Person,3,"), top.stdout
    valid = _run(sys.executable, "-m", "kg", "validate", "--store", sample_store_path, cwd=elsewhere, env=env)
    assert valid.returncode == 0, valid.stdout + valid.stderr
