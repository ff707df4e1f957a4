"""The Python package: Gymnasium- and PettingZoo-style APIs over the C++ core."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import accelgym  # built by `make` into build/python; a failure here is a real failure
from accelgym.testing import check_env, check_vector_env, parallel_api_test, parallel_seed_test

QUICK = {"dram-v0": {"count": 300}, "dram-ddr4-v0": {"count": 300}, "dram-hbm2-v0": {"count": 300},
         "dram-rw-v0": {"count": 300}, "systolic-v0": {"workload": "conv_test"},
         "accel-v0": {"workload": "conv_test"}, "hetero-v0": {"workloads": "conv_test,gemm_test"},
         "synthetic-v0": {}}


def test_every_env_is_registered_here():
    # synthetic-v0 is the test suite's own env: not in the users' list.
    assert set(accelgym.registered_envs()) == set(QUICK) - {"synthetic-v0"}


@pytest.mark.parametrize("name", sorted(QUICK))
@pytest.mark.parametrize("mode", ["edit", "bandit"])
def test_check_env(name, mode):
    check_env(accelgym.make(name, mode=mode, episode_length=4, **QUICK[name]))


def test_default_episodes_edit_the_design_for_many_steps():
    env = accelgym.make("synthetic-v0")
    assert env.mode == "edit" and env.spec.max_episode_steps == 32
    assert env.action_space.nvec.tolist() == [3, 3, 3, 3]
    obs, _ = env.reset(seed=0)
    assert obs[:4].tolist() == [0, 0, 0, 0]  # the default design
    for step in range(1, 33):
        obs, _, terminated, truncated, info = env.step(np.array([2, 2, 1, 0]))  # up, up, keep, down
        assert info["step"] == step and truncated == (step == 32)
        assert obs[:4].tolist() == [min(step, 15), min(step, 15), 0, 0]  # clamped at the ends
        assert not terminated
    bandit = accelgym.make("synthetic-v0", mode="bandit")
    assert bandit.spec.max_episode_steps == 1
    bandit.reset(seed=0)
    assert bandit.step(np.array([11, 4, 7, 9]))[2:4] == (True, True)  # the optimum meets the target
    # Each target's margin, log(metric / target): <= 0 exactly when met.
    bandit.reset(seed=0)
    met = bandit.step(np.array([11, 4, 7, 9]))[4]
    bandit.reset(seed=0)
    missed = bandit.step(np.array([0, 0, 0, 0]))[4]
    assert len(met["margins"]) == len(met["objectives"]) >= 1
    assert all(m <= 0 for m in met["margins"]) and any(m > 0 for m in missed["margins"])
    start, _ = env.reset(seed=0, options={"design": [3, 4, 5, 6]})
    assert start[:4].tolist() == [3, 4, 5, 6]
    assert env.step(np.array([1, 1, 1, 2]))[0][:4].tolist() == [3, 4, 5, 7]


def test_render_pickle_fork_and_replay():
    import copy
    import pickle
    env = accelgym.make("synthetic-v0", render_mode="ansi")
    env.reset(seed=3)
    env.step(np.array([2, 1, 1, 1]))
    text = env.render()
    assert "x0 = 1" in text and "latency_ns" in text
    assert accelgym.make("synthetic-v0", render_mode=None).render() is None
    with pytest.raises(ValueError, match="render_mode"):
        accelgym.make("synthetic-v0", render_mode="human")
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env), env.fork()):
        assert clone.design.tolist() == env.design.tolist() == [1, 0, 0, 0]
        assert clone.step(np.array([2, 2, 2, 2]))[1] == env.fork().step(np.array([2, 2, 2, 2]))[1]
    episode = env.episode()
    assert episode["seed"] == 3 and episode["designs"] == [[1, 0, 0, 0]]
    assert accelgym.make("synthetic-v0").replay(episode)
    episode["rewards"][0] += 1e-12
    assert not accelgym.make("synthetic-v0").replay(episode)


def test_namespaced_ids_and_the_spec():
    env = accelgym.make("accelgym/dram-v0", count=300)
    assert env.spec.id == "accelgym/dram-v0" and env.spec.nondeterministic is False
    assert env.spec.kwargs == {"name": "dram-v0", "count": 300, "mode": "edit",
                               "episode_length": 32}
    again = env.spec.make()
    assert again.spec.kwargs == env.spec.kwargs


@pytest.mark.parametrize("name", sorted(QUICK))
@pytest.mark.parametrize("split", ["groups", "knobs"])
def test_parallel_api(name, split):
    parallel_api_test(accelgym.make_parallel(name, split=split, episode_length=3, **QUICK[name]))


@pytest.mark.parametrize("name", ["synthetic-v0", "dram-v0"])
def test_parallel_seed(name):
    parallel_seed_test(lambda: accelgym.make_parallel(name, split="knobs", **QUICK[name]))


@pytest.mark.parametrize("asynchronous", [False, True])
def test_vector_env_contract(asynchronous):
    check_vector_env(accelgym.make_vec("synthetic-v0", 2, asynchronous=asynchronous))


def test_dram_v0_matches_archgym():
    env = accelgym.make("dram-v0", count=300, mode="bandit")
    assert env.action_space.nvec.tolist() == [4, 3, 3, 8, 2, 2, 4, 4, 3, 8]
    assert int(np.prod(env.action_space.nvec)) == 442368
    assert [d["name"] for d in env.dimensions][:2] == ["PagePolicy", "Scheduler"]
    # Policies are unordered; buffer sizes and refresh counts are ordered (a searcher such as
    # Optuna may suggest their index as an integer).
    kinds = {d["name"]: d["kind"] for d in env.dimensions}
    assert kinds["PagePolicy"] == "categorical" and kinds["RequestBufferSize"] == "ordinal"


def test_bad_actions_raise_clear_errors():
    env = accelgym.make("systolic-v0", workload="conv_test", mode="bandit")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="shape"):
        env.step([0, 1])
    with pytest.raises(ValueError, match="integers"):
        env.step(np.zeros(7))
    with pytest.raises(ValueError, match="outside MultiDiscrete"):
        env.step(np.array([99, 0, 0, 0, 0, 0, 0]))
    with pytest.raises(accelgym.InputError, match="unknown env"):
        accelgym.make("dram-v9")
    with pytest.raises(accelgym.InputError, match="unknown option 'colour'"):
        accelgym.make("dram-v0", colour="red")
    with pytest.raises(ValueError, match="mode must be"):
        accelgym.make("dram-v0", mode="tweak")
    with pytest.raises(ValueError, match="outside MultiDiscrete"):
        accelgym.make("synthetic-v0").step(np.array([3, 0, 0, 0]))


def test_parallel_env_joins_partial_actions():
    par = accelgym.make_parallel("accel-v0", workload="conv_test", mode="bandit")
    assert par.possible_agents == ["compute", "memory", "dram"]
    par.reset(seed=3)
    actions = {"compute": np.array([2, 2, 1, 0]), "memory": np.array([1, 1, 1, 0, 0]),
               "dram": np.array([2, 1, 1, 2, 0])}
    _, rewards, _, _, _ = par.step(actions)
    single = accelgym.make("accel-v0", workload="conv_test", mode="bandit")
    single.reset(seed=3)
    _, reward, _, _, _ = single.step(np.array([2, 2, 1, 1, 1, 1, 0, 2, 1, 1, 2, 0, 0, 0]))
    assert rewards == {a: reward for a in par.possible_agents}  # shared reward
    par.reset(seed=3)
    with pytest.raises(ValueError, match="missing"):
        par.step({"compute": actions["compute"]})


def test_search_from_python():
    result = accelgym.search("systolic-v0", "bo", 20, seed=1, workload="conv_test")
    again = accelgym.search("systolic-v0", "bo", 20, seed=1, workload="conv_test")
    assert result["evaluations"] == 20 and result["best_so_far"] == again["best_so_far"]
    assert set(result["best_point"]) >= {"rows", "cols", "dataflow"}
    assert "bo" in accelgym.searchers()


def test_spaces_follow_gymnasium():
    from accelgym import spaces
    d = spaces.Discrete(3, start=1, seed=0)
    assert all(d.contains(d.sample()) for _ in range(20)) and not d.contains(0)
    m = spaces.MultiDiscrete([2, 5], seed=1)
    assert m.contains(m.sample()) and not m.contains(np.array([2, 0]))
    b = spaces.Box(0.0, 1.0, shape=(3,), seed=2)
    assert b.contains(b.sample()) and not b.contains(np.array([2.0, 0, 0]))
    dd = spaces.Dict({"a": spaces.Discrete(2), "b": m}, seed=3)
    s1 = dd.sample()
    dd.seed(3)
    assert dd.contains(s1) and spaces.Dict({"a": spaces.Discrete(2), "b": m}, seed=3).sample()["a"] in (0, 1)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_vector_env_equals_sequential_envs(asynchronous):
    kwargs = {"workload": "conv_test", "episode_length": 2}
    vec = accelgym.make_vec("systolic-v0", 2, asynchronous=asynchronous, **kwargs)
    singles = [accelgym.make("systolic-v0", **kwargs) for _ in range(2)]
    obs, infos = vec.reset(seed=10)
    assert obs.shape == (2, singles[0].observation_space.shape[0]) and infos["_valid"].all()
    for i, env in enumerate(singles):
        assert np.array_equal(obs[i], env.reset(seed=10 + i)[0])
    vec.action_space.seed(4)
    for step in range(4):
        actions = vec.action_space.sample()
        o, r, term, trunc, info = vec.step(actions)
        for i, env in enumerate(singles):
            if step == 2:  # episodes of two steps: the third call autoresets (next-step mode)
                assert r[i] == 0.0 and not trunc[i]
                expected = env.reset(seed=None)[0]
                assert np.array_equal(o[i], expected)
                continue
            eo, er, et, etr, _ = env.step(actions[i])
            assert np.array_equal(o[i], eo) and r[i] == er and trunc[i] == etr
        if step == 1:
            assert trunc.all()
    with pytest.raises(ValueError, match="shape"):
        vec.step(np.zeros((3, 7), dtype=np.int64))
    vec.close()


def test_records_and_plots(run, tmp_path):
    records = tmp_path / "r.pb"
    run("search", "--env", "systolic-v0", "--env-option", "workload=conv_test", "--agent", "random",
        "--budget", "12", "--quiet", "--records", records, check=0)
    from accelgym import plot
    from accelgym import records as rec
    cols = rec.load(records)
    assert len(cols["reward"]) == 12 and set(cols["status"]) == {"OK"}
    assert cols["point.rows"].shape == (12,) and np.isfinite(cols["metrics.latency_ns"]).all()
    front = plot.pareto_front(np.array([1.0, 2, 3, 2]), np.array([3.0, 1, 2, 2]))
    assert sorted(front.tolist()) == [0, 1]  # (3, 2) and (2, 2) are dominated by (2, 1)
    out = tmp_path / "p.png"
    plot.main([str(records), "--x", "latency_ns", "--y", "energy_pj", "--out", str(out)])
    assert out.stat().st_size > 1000
    plot.main([str(records), "--out", str(tmp_path / "b.png")])
    assert (tmp_path / "b.png").exists()
    plot.main([str(records), "--project", "dataflow", "--out", str(tmp_path / "proj.png")])
    assert (tmp_path / "proj.png").stat().st_size > 1000


def test_compare_plot(run, tmp_path):
    run("compare", "--env", "systolic-v0", "--env-option", "workload=conv_test", "--agents", "ga",
        "--seeds", "2", "--budget", "5", "--out", tmp_path, check=0)
    out = tmp_path / "curves.png"
    assert "wrote" in run("plot", "--compare", tmp_path, "--out", out, check=0).stdout
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("example", ["random_search.py", "optuna_dram.py", "ippo_torch.py",
                                     "archgym_dram.py", "sweep_dask.py"])
def test_examples_run(example, tmp_path):
    import os
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    # TMPDIR: what an example keeps in a temporary directory (sweep_dask.py's records, Dask's
    # worker space) goes under pytest's tmp_path, not the system's /tmp.
    env = dict(os.environ, ACCELGYM_EXAMPLE_BUDGET="3", ACCELGYM_EXAMPLE_SEEDS="1",
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p), TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, str(root / "examples" / example)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip()


def test_batch_evaluate_equals_single_steps():
    env = accelgym.make("systolic-v0", workload="conv_test", mode="bandit")
    env.action_space.seed(2)
    actions = [env.action_space.sample() for _ in range(6)]
    parallel = accelgym.evaluate("systolic-v0", actions, workers=2, workload="conv_test")
    serial = accelgym.evaluate("systolic-v0", actions, workers=1, workload="conv_test")
    assert [r["reward"] for r in parallel] == [r["reward"] for r in serial]
    env.reset(seed=0)
    assert parallel[3]["reward"] == env.step(actions[3])[1]
    assert parallel[0]["design"] == env.decode(actions[0])


def _printed_by_engine(code):
    """What `code` (with {} for the engine's name) prints as JSON, per engine, each in a
    process of its own."""
    return {engine: json.loads(subprocess.run([sys.executable, "-c", code.format(engine)],
                                              capture_output=True, text=True, check=True,
                                              timeout=300).stdout)
            for engine in ("direct", "systemc")}


def test_accel_env_on_the_systemc_engine():
    # env option engine=systemc: the SystemC composition behind accel-v0 gives the rewards of the
    # direct engine simulating every fold. In a process of its own, as in
    # test_simulate_matches_the_cli_model (AddressSanitizer and SystemC's coroutines).
    code = ("import json, accelgym\n"
            "env = accelgym.make('accel-v0', workload='conv_test', mode='bandit', engine='{}',"
            " memory='dram-exact')\n"
            "env.action_space.seed(4)\n"
            "env.reset(seed=0)\n"
            "print(json.dumps([float(env.step(env.action_space.sample())[1]) for _ in range(3)]))")
    rewards = _printed_by_engine(code)
    assert rewards["direct"] == rewards["systemc"]
    assert len(set(rewards["direct"])) > 1  # three designs, not one
    with pytest.raises(ValueError, match="engine systemc needs memory dram"):
        accelgym.make("accel-v0", engine="systemc", memory="ideal")


def test_hetero_env_on_the_systemc_engine():
    # hetero-v0 with engine=systemc: the sub-accelerators as SystemC modules behind an
    # interconnect (tests/cpp/systolic_tlm_test.cc compares it with the direct engine).
    code = ("import json, accelgym\n"
            "env = accelgym.make('hetero-v0', workloads='conv_test,gemm_test', mode='bandit',"
            " engine='{}')\n"
            "env.action_space.seed(3)\n"
            "env.reset(seed=0)\n"
            "print(json.dumps([float(env.step(env.action_space.sample())[1]) for _ in range(4)]))")
    rewards = _printed_by_engine(code)
    assert rewards["systemc"] == pytest.approx(rewards["direct"], rel=0.1)
    assert len(set(rewards["direct"])) > 1


def test_plot_command(run, tmp_path):
    records = tmp_path / "r.pb"
    run("search", "--env", "systolic-v0", "--env-option", "workload=conv_test", "--agent", "ga",
        "--budget", "10", "--quiet", "--records", records, check=0)
    out = tmp_path / "curve.png"
    proc = run("plot", records, "--out", out, check=0)
    assert "wrote" in proc.stdout and out.stat().st_size > 1000
    assert run("plot").returncode == 2


def test_builtin_networks_are_the_zoo():
    from accelgym import _core
    names = _core.builtin_networks()
    assert {"alexnet", "resnet50", "mobilenet-v2", "vit-b16"} <= set(names)
    assert len(names) == len(set(names))
    with pytest.raises(ValueError, match="vit-b16"):  # the CLI's list names them all too
        accelgym.simulate("no-such-network")


def test_simulate_matches_the_cli_model(tmp_path):
    topo = tmp_path / "gemm.csv"
    topo.write_text("Layer Name, M, N, K,\nTest 1, 256, 128, 256,")
    # SCALE-Sim's golden USER-mode os run (see tests/python/test_cli.py).
    r = accelgym.simulate(topo, memory="scalesim-bw-9ac2a40:10", gemm=True, rows=32, cols=32)
    assert (r["layers"][0]["stall_cycles"], r["total"]["cycles"]) == (42272, 52447)
    assert r["layers"][0]["dram_ifmap_window"] == {"start_cycle": -3277, "stop_cycle": 49169}
    # CALC mode's DRAM estimates by default, as `accelgym sim`; skipped on request.
    calc = accelgym.simulate(topo, gemm=True, rows=32, cols=32)["layers"][0]
    cli = json.loads(subprocess.run(
        [os.environ["ACCELGYM_BIN"], "sim", "--workload", str(topo), "--gemm", "--array", "32x32",
         "--format", "json"], capture_output=True, text=True, check=True, timeout=300).stdout)
    assert calc["dram_filter_reads"] == cli["layers"][0]["dram_filter_reads"] > 0
    assert calc["dram_ifmap_window"] == cli["layers"][0]["dram_ifmap_window"]
    skipped = accelgym.simulate(topo, gemm=True, rows=32, cols=32, scalesim_estimates=False)
    assert skipped["layers"][0].get("dram_filter_reads", 0) == 0
    assert skipped["total"]["cycles"] == accelgym.simulate(topo, gemm=True, rows=32,
                                                           cols=32)["total"]["cycles"]
    direct = accelgym.simulate("conv_test", memory="dram-exact", rows=16, cols=16)
    # The SystemC engine in a process of its own: SystemC switches stacks in its coroutines, which
    # AddressSanitizer (make test-sanitize) cannot follow in an uninstrumented libsystemc, so an
    # exception thrown later in the same process would be reported falsely.
    code = ("import json, accelgym; print(json.dumps(accelgym.simulate('conv_test', "
            "memory='dram', engine='systemc', rows=16, cols=16)))")
    systemc = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                        text=True, check=True, timeout=300).stdout)
    assert direct["total"]["cycles"] == systemc["total"]["cycles"]
    assert direct["dram"]["reads"] == systemc["dram"]["reads"] > 0
    with pytest.raises(ValueError, match="unknown parameter 'rowz'"):
        accelgym.simulate("alexnet", rowz=3)
    with pytest.raises(ValueError, match="needs memory dram"):
        accelgym.simulate("alexnet", engine="systemc")


def test_target_origin_says_where_the_targets_come_from():
    shipped = accelgym.make("dram-v0", trace="cloud-1").target_origin
    assert shipped["source"] == "table"
    assert shipped["meeting"] == round(shipped["difficulty"] * shipped["sample_size"]) > 0
    assert shipped["options"]["trace"] == "cloud-1"
    assert accelgym.make("dram-v0", targets="latency_ns<=1e5").target_origin["source"] == "option"
    assert accelgym.make("dram-v0", count=300).target_origin["source"] == "relative"
