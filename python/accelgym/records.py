"""Evaluation records (length-delimited accelgym.v1.Evaluation files) as columns of numpy
arrays, or a pandas DataFrame when pandas is importable."""
import numpy as np

from accelgym import _core


def load(path):
    """{column: numpy array}: key, env, status, seed, reward, wall_time_s, message, one column
    per design knob ("point.<knob>") and per metric ("metrics.<name>"; NaN where absent)."""
    rows = _core.read_records(str(path))
    points = [r["point"] for r in rows]
    knobs = sorted({k for p in points for k in p})
    metrics = sorted({k for r in rows for k in r["metrics"]})
    columns = {
        "key": np.array([r["key"] for r in rows], dtype=object),
        "env": np.array([r["env"] for r in rows], dtype=object),
        "status": np.array([r["status"] for r in rows], dtype=object),
        "seed": np.array([r["seed"] for r in rows], dtype=np.uint64),
        "reward": np.array([r["reward"] for r in rows], dtype=np.float64),
        "wall_time_s": np.array([r["wall_time_s"] for r in rows], dtype=np.float64),
        "message": np.array([r["message"] for r in rows], dtype=object),
    }
    for k in knobs:
        columns["point." + k] = np.array([p.get(k) for p in points], dtype=object)
    for m in metrics:
        columns["metrics." + m] = np.array([r["metrics"].get(m, np.nan) for r in rows], dtype=np.float64)
    return columns


def to_dataframe(path):
    """The same columns as a pandas DataFrame (needs pandas)."""
    import pandas as pd  # optional: Debian's python3-pandas
    return pd.DataFrame(load(path))
