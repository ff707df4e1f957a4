"""`accelgym dram`: JSON fields, the reference's sanity numbers, and clear input errors."""
import json

import pytest


def dram_json(run, *args):
    return json.loads(run("dram", *args, "--format", "json", check=0).stdout)


def test_json_has_the_documented_fields(run):
    out = dram_json(run, "--generate", "random", "--count", "2000", "--seed", "1")
    for key in ("total_cycles", "total_time_ns", "reads", "writes", "avg_read_latency_ns",
                "p99_read_latency_ns", "avg_write_latency_ns", "bandwidth_gbps", "row_hit_rate",
                "commands", "energy_pj", "avg_power_mw", "host_time_s"):
        assert key in out, key
    assert out["reads"] == 2000
    assert out["commands"]["RD"] == 2000
    # 8 Gb x8 DDR4, one channel and rank: 16 row bits, 2 + 2 bank bits, 7 column, 6 offset.
    assert out["address_mapping"] == ("row:16 | rank:0 | bank:2 | bankgroup:2 | column:7 | "
                                      "channel:0 | offset:6")
    assert out["energy_pj"] > 0


def test_idle_latencies_from_an_ns_trace(run, tmp_path):
    trace = tmp_path / "t.ns"
    trace.write_text("0 R 0x0\n100 R 0x40\n200 R 0x20000\n")
    lat = tmp_path / "lat.csv"
    run("dram", "--trace", trace, "--trace-format", "ns", "--latency-out", lat, check=0)
    rows = [line.split(",") for line in lat.read_text().splitlines()[1:]]
    # DDR4-2400R: closed bank 36, row hit 20, row conflict 52 cycles of 5/6 ns.
    assert [round(float(r[3]), 3) for r in rows] == [30.0, 16.667, 43.333]


def test_stl_trace_with_clock(run, tmp_path):
    trace = tmp_path / "t.stl"
    trace.write_text("0:\tread\t0x0\n800:\twrite\t0x40\n")
    out = dram_json(run, "--trace", trace, "--trace-clock-mhz", "800")
    assert out["reads"] == 1 and out["writes"] == 1
    assert out["total_time_ns"] > 1000  # the write arrives at 800 cycles of 800 MHz = 1 us


def test_sequential_paced_matches_reference_sanity_targets(run):
    # docs/reference/dram.md: ~1.2 M cycles, ~99 % row hits, 860-910 ACTs, ~34 ns average latency.
    out = dram_json(run, "--generate", "sequential", "--count", "100000", "--interval-ns", "10")
    assert 1_150_000 < out["total_cycles"] < 1_250_000
    assert out["row_hit_rate"] > 0.98
    assert 860 <= out["commands"]["ACT"] <= 910
    assert 30 < out["avg_read_latency_ns"] < 38


def test_other_standards_and_sets(run):
    # ArchGym's sets span 1 GiB; one HBM2 pseudo-channel holds 512 MiB, so use two.
    for standard, channels in (("DDR3-1600", 1), ("LPDDR4-3200", 1), ("HBM2-2000", 2),
                               ("DDR4-2400U", 1)):
        out = dram_json(run, "--trace-set", "cloud-2", "--standard", standard,
                        "--set", f"channels={channels}")
        assert out["standard"] == standard and out["reads"] == 10000
    proc = run("dram", "--trace-set", "random", "--standard", "HBM2-2000")
    assert proc.returncode == 2
    assert "beyond the memory's capacity (512 MiB)" in proc.stderr
    # The generator's own request number, not the reader's read-ahead position.
    assert "generated request 4096" not in proc.stderr


def test_controller_knobs_change_results(run):
    base = dram_json(run, "--trace-set", "random")
    closed = dram_json(run, "--trace-set", "random", "--set", "PagePolicy=Closed")
    assert closed["commands"]["RDA"] == 10000 and base["commands"]["RDA"] == 0


@pytest.mark.parametrize("args, needle", [
    (["--generate", "random", "--set", "REFI=3"], "unknown parameter 'REFI'"),
    (["--generate", "random", "--set", "PagePolicy=Opne"], "'Opne' is outside the space"),
    (["--generate", "random", "--set", "RequestBufferSize=0"], "'0' is outside the space"),
    (["--generate", "random", "--standard", "DDR9"], "'DDR9' is outside the space"),
    (["--generate", "zigzag"], "unknown trace pattern 'zigzag'"),
    (["--generate", "random", "--set", "RefreshPolicy=PerBank"], "PerBank refresh needs"),
    (["--generate", "random", "--mapping", "row,bank"], "address mapping 'row,bank'"),
    (["--count", "5"], "give exactly one of --trace, --generate or --trace-set"),
])
def test_bad_input_exit_2(run, args, needle):
    proc = run("dram", *args)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_garbage_trace_line_names_file_and_line(run, tmp_path):
    trace = tmp_path / "bad.stl"
    trace.write_text("0:\tread\t0x0\n10:\tfetch\t0x40\n")
    proc = run("dram", "--trace", trace)
    assert proc.returncode == 2
    assert f"{trace}:2: field 'command'" in proc.stderr


def test_same_seed_same_numbers(run):
    a = dram_json(run, "--generate", "mixed", "--count", "3000", "--seed", "7", "--read-ratio", "0.6")
    b = dram_json(run, "--generate", "mixed", "--count", "3000", "--seed", "7", "--read-ratio", "0.6")
    a.pop("host_time_s"), b.pop("host_time_s")
    a.pop("parse_time_s"), b.pop("parse_time_s")
    assert a == b


def _same_simulation(a, b):
    drop = ("host_time_s", "parse_time_s")
    return {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items()
                                                             if k not in drop}


def test_peer_presets(run):
    mixed = ("--generate", "random", "--read-ratio", "0.5", "--count", "4000")
    default = dram_json(run, *mixed)
    # dramsys is accelgym's own semantics: the defaults, spelled out.
    assert _same_simulation(dram_json(run, *mixed, "--preset", "dramsys"), default)
    # --set overrides what a preset sets (dramsys: RequestBufferSize=8).
    deep = ("--set", "RequestBufferSize=32")
    assert _same_simulation(dram_json(run, *mixed, "--preset", "dramsys", *deep),
                            dram_json(run, *mixed, *deep))
    # Ramulator 2 and DRAMsim3 answer a write on admission: paced (buffers never full), at
    # once; every write is still written.
    paced = (*mixed, "--interval-ns", "10")
    assert dram_json(run, *paced)["avg_write_latency_ns"] > 30
    for peer in ("ramulator2", "dramsim3"):
        posted = dram_json(run, *paced, "--preset", peer)
        assert posted["writes"] == default["writes"] > 1500
        assert posted["avg_write_latency_ns"] == 0
        assert posted["commands"]["WR"] == default["writes"]
    # Both see further ahead than 8 requests per bank: sequential reads finish sooner
    # (docs/DRAM.md: Ramulator 2's buffers of 32, DRAMsim3's transaction queues).
    reads = ("--generate", "sequential", "--count", "4000")
    own = dram_json(run, *reads)["total_cycles"]
    for peer in ("ramulator2", "dramsim3"):
        assert dram_json(run, *reads, "--preset", peer)["total_cycles"] < 0.95 * own
    proc = run("dram", *reads, "--preset", "ramulator")
    assert proc.returncode == 2
    assert "unknown preset 'ramulator' (known: dramsys, ramulator2, dramsim3)" in proc.stderr
