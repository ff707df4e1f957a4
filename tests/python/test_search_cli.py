"""`accelgym search`: the JSON summary, records, checkpoints, and clear errors."""
import json

import pytest

QUICK = ["--env", "systolic-v0", "--env-option", "workload=conv_test", "--quiet"]


def search_json(run, *args):
    return json.loads(run("search", *QUICK, *args, "--format", "json", check=0).stdout)


@pytest.mark.parametrize("agent", ["random", "walk", "grid", "ga", "aco", "bo", "marl", "ppo", "nsga2", "tpe"])
def test_every_searcher_reports_the_documented_fields(run, agent):
    out = search_json(run, "--agent", agent, "--budget", "12", "--seed", "3")
    for key in ("best_point", "best_reward", "best_metrics", "evaluations", "valid", "invalid",
                "failed", "pareto_front"):
        assert key in out, key
    assert out["evaluations"] == 12
    assert out["valid"] + out["invalid"] + out["failed"] == 12
    assert len(out["best_so_far"]) == 12
    assert out["best_so_far"] == sorted(out["best_so_far"])  # best so far never gets worse
    assert out["best_reward"] == out["best_so_far"][-1]
    assert set(out["best_point"]["values"]) == {"rows", "cols", "dataflow", "ifmap_sram_kb",
                                                "filter_sram_kb", "ofmap_sram_kb", "precision"}


def test_same_seed_same_search(run):
    a = search_json(run, "--agent", "bo", "--budget", "15", "--seed", "9")
    b = search_json(run, "--agent", "bo", "--budget", "15", "--seed", "9")
    assert a["best_so_far"] == b["best_so_far"] and a["best_point"] == b["best_point"]


def test_targets_records_and_checkpoint(run, tmp_path):
    records = tmp_path / "r.pb"
    checkpoint = tmp_path / "ckpt.json"
    out = search_json(run, "--agent", "ga", "--budget", "10", "--target", "latency_ns<=1e12",
                      "--records", records, "--checkpoint", checkpoint, "--set", "agent.population=4")
    assert out["targets"] == ["latency_ns<=1e+12"]
    assert out["evaluations_to_target"] == 1  # any design meets it
    csv = run("records", "export", records, check=0).stdout.splitlines()
    assert len(csv) == 11 and csv[0].startswith("key,env,status")
    ckpt = json.loads(checkpoint.read_text())
    assert ckpt["searcher"] == "ga" and ckpt["options"] == {"population": "4"}


def test_multi_objective_front(run):
    out = search_json(run, "--agent", "random", "--budget", "30", "--target", "latency_ns<=1",
                      "--target", "energy_pj<=1", "--target", "area_mm2<=1e-3")
    front = out["pareto_front"]
    assert 1 <= len(front) <= 30
    metrics = [(e["metrics"]["latency_ns"], e["metrics"]["energy_pj"], e["metrics"]["area_mm2"])
               for e in front]
    for a in metrics:  # no member dominates another
        for b in metrics:
            assert not (all(x <= y for x, y in zip(b, a)) and b != a)


@pytest.mark.parametrize("args, needle", [
    (["--agent", "nsga9"], "unknown searcher 'nsga9'"),
    (["--agent", "ga", "--set", "agent.populaton=4"], "has no option 'populaton'"),
    (["--agent", "ga", "--set", "population=4"], "agent.KEY=VALUE"),
    (["--agent", "bo", "--target", "latency<=5"], "unknown metric 'latency'"),
    (["--agent", "bo", "--target", "latency_ns=5"], "expected metric<=value"),
    (["--agent", "bo", "--budget", "0"], "--budget: '0' is not a whole number >= 1"),
    (["--agent", "bo", "--env-option", "colour=red"], "unknown option 'colour'"),
])
def test_bad_input_exit_2(run, args, needle):
    proc = run("search", *QUICK, *args)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr


def test_compare_protocol(run, tmp_path):
    out = json.loads(run("compare", "--env", "systolic-v0", "--env-option", "workload=conv_test",
                         "--agents", "bo,ga", "--seeds", "3", "--budget", "8", "--out", tmp_path,
                         "--format", "json", check=0).stdout)
    assert [a["agent"] for a in out["agents"]] == ["random", "bo", "ga"]  # random always measured
    random = out["agents"][0]
    assert random["median_improvement_over_random"] == 0 and random["speedup_over_random"] == 1
    for a in out["agents"]:
        assert a["q25_best"] <= a["median_best"] <= a["q75_best"]
        assert a["best_ci_low"] <= a["median_best"] <= a["best_ci_high"]
        assert (a["evaluations_to_target_ci_low"] <= a["median_evaluations_to_target"]
                <= a["evaluations_to_target_ci_high"] <= 9)  # censored at budget + 1
        assert a["seeds_reaching_target"] + a["censored_seeds"] == 3
        assert 0 < a["p_value_vs_random"] <= 1
        # Three targets (latency, energy, area): Pareto fronts' hypervolumes, by pagmo.
        assert 0 <= a["hypervolume_ci_low"] <= a["median_hypervolume"] <= a["hypervolume_ci_high"]
    assert random["p_value_vs_random"] == 1
    assert random["median_hypervolume"] > 0
    rows = (tmp_path / "curves.csv").read_text().splitlines()
    assert rows[0] == "agent,seed,evaluation,best_so_far"
    assert len(rows) == 1 + 3 * 3 * 8
    assert json.loads((tmp_path / "summary.json").read_text())["budget"] == 8
    proc = run("compare", "--env", "systolic-v0", "--agents", "bo,tpe9")
    assert proc.returncode == 2 and "unknown searcher 'tpe9'" in proc.stderr


def test_stop_at_target(run):
    out = search_json(run, "--agent", "random", "--budget", "50", "--target", "latency_ns<=1e12",
                      "--stop-at-target")
    assert out["evaluations"] == 1 and out["evaluations_to_target"] == 1
