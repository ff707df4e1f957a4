"""accelgym's SCALE-Sim USER mode against tests/tools/scalesim_reference.py, a per-cycle model
of the same semantics that itself reproduces SCALE-Sim's golden runs."""
import json
import pathlib
import subprocess
import sys

import pytest

REFERENCE = pathlib.Path(__file__).resolve().parents[1] / "tools" / "scalesim_reference.py"


def reference(*args):
    return subprocess.run([sys.executable, str(REFERENCE), *args], capture_output=True, text=True,
                          timeout=300)


def test_reference_model_reproduces_scalesim_golden_runs():
    proc = reference("--golden")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("matches") == 3


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_cli_equals_reference_on_a_strided_conv(run, tmp_path, dataflow):
    # 20x20x8 ifmap, 3x3 filters, stride 2: overlapping windows, 8 KiB scratchpads.
    topo = tmp_path / "conv.csv"
    topo.write_text("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                    "Channels, Num Filter, Strides,\nc, 20, 20, 3, 3, 8, 16, 2,\n")
    layer = json.loads(run("sim", "--workload", topo, "--array", "4x4", "--dataflow", dataflow,
                           "--sram-kb", "8,8,8", "--memory", "scalesim-bw:2", "--format", "json",
                           check=0).stdout)["layers"][0]
    case = dict(h=20, w=20, r=3, s=3, c=8, n=16, stride=2, df=dataflow, rows=4, cols=4,
                words=[8192] * 3, bw=2)
    proc = reference(json.dumps(case))
    assert proc.returncode == 0, proc.stderr
    want = json.loads(proc.stdout)
    assert (layer["total_cycles"], layer["stall_cycles"]) == (want["total"], want["stall"])
    windows = ["sram_ifmap_window", "sram_filter_window", "sram_ofmap_window"]
    for name, (start, stop) in zip(windows, want["sram"]):
        assert layer[name] == {"start_cycle": start, "stop_cycle": stop}, name
    counts = ["dram_ifmap_reads", "dram_filter_reads", "dram_ofmap_writes"]
    for name, count, (start, stop, words) in zip(counts, ["ifmap", "filter", "ofmap"], want["dram"]):
        assert layer[name] == words, name
        assert layer[f"dram_{count}_window"] == {"start_cycle": start, "stop_cycle": stop}
