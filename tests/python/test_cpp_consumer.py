"""`cmake --install` of this build, then examples/cpp-consumer (a C++ project of a user's own:
its own SystemC tops around accelgym's DRAM target and accelerator module, found with
find_package(accelgym)) configured against the install, built and run."""
import json
import os
import re
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ACCELGYM_BIN", ROOT / "build" / "bin" / "accelgym")).parents[1]


def sanitized_build():
    cache = BUILD / "CMakeCache.txt"
    return cache.exists() and any(line.startswith("ACCELGYM_SANITIZE:STRING=") and
                                  line.strip() != "ACCELGYM_SANITIZE:STRING="
                                  for line in cache.read_text().splitlines())


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
@pytest.mark.skipif(sanitized_build(), reason="an instrumented build's libraries need the "
                    "sanitizer runtime in the consumer too")
def test_installed_accelgym_serves_a_users_systemc_top(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(prefix)], check=True,
                   capture_output=True, timeout=600)
    for installed in ("bin/accelgym", "include/accelgym/models/dram/dram_tlm.h",
                      "include/accelgym/accelgym/v1/dram.pb.h",
                      "share/accelgym/models/dram/data/ddr4-2400.json"):
        assert (prefix / installed).exists(), installed
    config = list(prefix.glob("lib*/cmake/accelgym/accelgymConfig.cmake"))
    assert config, "no accelgymConfig.cmake installed"
    consumer = tmp_path / "consumer"
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    subprocess.run(["cmake", "-S", str(ROOT / "examples" / "cpp-consumer"), "-B", str(consumer),
                    f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release"], check=True,
                   capture_output=True, env=env, timeout=600)
    build = subprocess.run(["cmake", "--build", str(consumer)], capture_output=True, text=True,
                           env=env, timeout=1200)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    run = subprocess.run([str(consumer / "dram_top")], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "DDR4-2400R: 750 reads, 250 writes" in run.stdout
    # The accelerator in the user's top: the cycles of `accelgym sim` on the same design (the
    # SystemC engine simulates every fold: dram-exact).
    run = subprocess.run([str(consumer / "accel_top")], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    cycles = int(re.search(r"conv_test on 16x16: (\d+) cycles", run.stdout).group(1))
    sim = subprocess.run([str(prefix / "bin" / "accelgym"), "sim", "--workload", "conv_test",
                          "--array", "16x16", "--memory", "dram-exact", "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=300, check=True)
    assert cycles == int(json.loads(sim.stdout)["total"]["cycles"])
