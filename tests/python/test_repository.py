"""The repository's own rules: documents cited by code and docs ship with it, and the C++
sources follow .clang-format (clang-format 14, installed by scripts/install-deps.sh)."""
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout (an installed or exported tree)")
    return [ROOT / f for f in out.stdout.split()]


def test_cited_documents_exist():
    cited = re.compile(r"\bdocs/[\w./-]+\.md")
    missing = set()
    for path in tracked("*.cc", "*.h", "*.py", "*.md", "*.proto", "*.sh"):
        for doc in cited.findall(path.read_text(errors="replace")):
            if not (ROOT / doc).is_file():
                missing.add(f"{path.relative_to(ROOT)} cites {doc}")
    assert not missing, sorted(missing)


def test_cpp_sources_are_clang_formatted():
    binary = shutil.which("clang-format")
    if binary is None:
        pytest.fail("clang-format not found: scripts/install-deps.sh installs it")
    sources = [str(p) for p in tracked("*.cc", "*.h")]
    proc = subprocess.run([binary, "--dry-run", "-Werror", *sources], cwd=ROOT,
                          capture_output=True, text=True)
    unformatted = sorted({line.split(":")[0] for line in proc.stderr.splitlines()
                          if ": error:" in line})
    assert proc.returncode == 0, f"run `make format`: {unformatted}"
