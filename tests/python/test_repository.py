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


def test_docs_describe_every_searcher_env_and_standard(run):
    """The tables (agents/searcher.cc, sim/env/registry.cc, models/dram/spec.cc) are what the
    docs describe: a new entry without its documentation fails here."""
    import json
    from accelgym import _core
    search = (ROOT / "docs/SEARCH.md").read_text()
    envs = (ROOT / "docs/ENVS.md").read_text()
    dram = (ROOT / "docs/DRAM.md").read_text()
    assert [s for s in _core.searchers() if f"| `{s}` |" not in search] == []
    assert [e for e in _core.registered_envs() if f"`{e}`" not in envs] == []
    space = json.loads(run("space", "--space", "dram", "--format", "json", check=0).stdout)
    standards = next(d["values"] for d in space["dimensions"] if d["name"] == "standard")
    # A speed bin is a letter after the data rate (DDR4-2400R): the docs name the family.
    families = {re.sub(r"(?<=\d)[A-Z]$", "", name) for name in standards}
    assert sorted(f for f in families if f not in dram) == []


# The layers of docs/DESIGN.md, lowest first: a file may include its own layer and those below.
LAYERS = [("sim/core/",), ("sim/kernel/",), ("workloads/",), ("models/",), ("sim/env/",),
          ("agents/",), ("sim/sweep/",), ("sim/cli/",)]


def layer_of(path):
    for rank, prefixes in enumerate(LAYERS):
        if any(path.startswith(p) for p in prefixes):
            return rank
    return None


def test_no_include_runs_upward():
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
    upward = []
    for path in tracked("sim/*.cc", "sim/*.h", "workloads/*.cc", "workloads/*.h", "models/*.cc",
                        "models/*.h", "agents/*.cc", "agents/*.h"):
        source = str(path.relative_to(ROOT))
        rank = layer_of(source)
        for header in include.findall(path.read_text()):
            target = layer_of(header)
            if rank is not None and target is not None and target > rank:
                upward.append(f"{source} includes {header}")
    assert not upward, upward


def test_layer_check_sees_an_upward_include():
    assert layer_of("sim/core/records.cc") < layer_of("models/spaces.h")
    assert layer_of("agents/runner.h") > layer_of("sim/env/env.h")
    assert layer_of("python/bindings.cc") is None  # bindings, tests, benches: above every layer
