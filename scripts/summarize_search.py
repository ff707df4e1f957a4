"""One line per `accelgym search --format json` result read from standard input."""
import json
import sys

d = json.load(sys.stdin)
hit = d["evaluations_to_target"]
met = f"targets met after {hit} evaluations" if hit else "targets not met"
print(f"{d['searcher']:>7}: best reward {d['best_reward']:.4f}, {met}, {d['host_time_s']:.1f} s")
