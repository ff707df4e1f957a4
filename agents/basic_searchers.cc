#include "agents/basic_searchers.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

// Draws designs not proposed before (up to a number of tries, then accepts repeats), and with
// `keep_constraints` only designs that keep the space's declared constraints.
IndexVector fresh_sample(const DesignSpace& space, Rng& rng, std::set<IndexVector>& seen,
                         bool keep_constraints = false) {
  IndexVector p;
  for (int attempt = 0; attempt < 64; ++attempt) {
    p = space.sample(rng);
    if (keep_constraints && !space.satisfies_constraints(p)) continue;
    if (seen.insert(p).second) return p;
  }
  return p;
}

// Uniform over the encoded space; the baseline every result is compared with. With
// constraints=avoid, uniform over the designs that keep the declared constraints: the baseline
// for searchers that avoid them (bo, tpe, marl by default).
class RandomSearch : public Searcher {
 public:
  RandomSearch(const DesignSpace& space, uint64_t seed, bool keep_constraints)
      : space_(space), rng_(seed), keep_constraints_(keep_constraints) {}
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      out.push_back(fresh_sample(space_, rng_, seen_, keep_constraints_));
    }
    return out;
  }
  void tell(const std::vector<Told>&) override {}

 private:
  const DesignSpace& space_;
  Rng rng_;
  bool keep_constraints_;
  std::set<IndexVector> seen_;
};

// ArchGym's random walk: single-knob mutations of the best design so far.
class RandomWalk : public Searcher {
 public:
  RandomWalk(const DesignSpace& space, uint64_t seed) : space_(space), rng_(seed) {
    best_ = space.default_point();
  }
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      if (!started_) {
        started_ = true;
        out.push_back(best_);
        continue;
      }
      IndexVector next = best_;
      for (int attempt = 0; attempt < 32; ++attempt) {
        const size_t d = rng_.uniform(space_.num_dimensions());
        const uint32_t card = static_cast<uint32_t>(space_.cardinality(d));
        if (card < 2 || !space_.is_active(d, best_)) continue;
        uint32_t v = static_cast<uint32_t>(rng_.uniform(card - 1));
        if (v >= best_[d]) ++v;  // any other value
        next[d] = v;
        next = space_.canonical(next);
        if (next != best_) break;
      }
      out.push_back(next);
    }
    return out;
  }
  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      if (r.valid && (!have_best_ || r.reward >= best_reward_)) {
        best_ = r.design;
        best_reward_ = r.reward;
        have_best_ = true;
      }
    }
  }

 private:
  const DesignSpace& space_;
  Rng rng_;
  IndexVector best_;
  double best_reward_ = 0;
  bool have_best_ = false;
  bool started_ = false;
};

// Exhaustive over the space, or over `points` evenly spaced values of each ordinal dimension
// (categorical ones keep all values). Mixed-radix order; stops when exhausted.
class GridSearch : public Searcher {
 public:
  GridSearch(const DesignSpace& space, const Options& o) : space_(space) {
    const double points = option_number(o, "points", 0, 0, 1e6);
    for (size_t d = 0; d < space.num_dimensions(); ++d) {
      const uint32_t card = static_cast<uint32_t>(space.cardinality(d));
      std::vector<uint32_t> idx;
      const bool ordinal = space.dimension(d).kind() != v1::Dimension::CATEGORICAL;
      if (points >= 2 && ordinal && card > points) {
        for (uint32_t i = 0; i < points; ++i) {
          idx.push_back(static_cast<uint32_t>(std::lround(i * (card - 1.0) / (points - 1))));
        }
      } else {
        for (uint32_t i = 0; i < card; ++i) idx.push_back(i);
      }
      values_.push_back(idx);
    }
    counter_.assign(space.num_dimensions(), 0);
  }
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    while (out.size() < n && !done_) {
      IndexVector p(counter_.size());
      for (size_t d = 0; d < p.size(); ++d) p[d] = values_[d][counter_[d]];
      p = space_.canonical(p);
      if (seen_.insert(p).second) out.push_back(p);  // inactive dims repeat points: skip
      size_t d = 0;
      while (d < counter_.size() && ++counter_[d] == values_[d].size()) counter_[d++] = 0;
      done_ = d == counter_.size();
    }
    return out;
  }
  void tell(const std::vector<Told>&) override {}

 private:
  const DesignSpace& space_;
  std::vector<std::vector<uint32_t>> values_;
  std::vector<size_t> counter_;
  std::set<IndexVector> seen_;
  bool done_ = false;
};

// Steady-state genetic algorithm: tournament selection, uniform crossover, per-gene mutation,
// children replace the worst member when better (docs/reference/gyms.md defaults).
class Genetic : public Searcher {
 public:
  Genetic(const DesignSpace& space, uint64_t seed, const Options& o) : space_(space), rng_(seed) {
    population_size_ = static_cast<size_t>(option_number(o, "population", 32, 4, 10000));
    crossover_ = option_number(o, "crossover", 0.9, 0, 1);
    mutation_ =
        option_number(o, "mutation", 1.0 / static_cast<double>(space.num_dimensions()), 0, 1);
    tournament_ = static_cast<size_t>(option_number(o, "tournament", 2, 1, 100));
  }
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      if (population_.size() + pending_ < population_size_) {
        ++pending_;
        out.push_back(fresh_sample(space_, rng_, seen_));
        continue;
      }
      if (population_.size() < 2) {  // the first generation is still being evaluated
        out.push_back(fresh_sample(space_, rng_, seen_));
        continue;
      }
      out.push_back(child());
    }
    return out;
  }
  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      if (pending_ > 0) --pending_;
      const double fitness = r.reward;
      if (population_.size() < population_size_) {
        population_.push_back({r.design, fitness});
        continue;
      }
      auto worst =
          std::min_element(population_.begin(), population_.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      if (fitness > worst->second) *worst = {r.design, fitness};
    }
  }

 private:
  const IndexVector& select() {
    size_t best = rng_.uniform(population_.size());
    for (size_t k = 1; k < tournament_; ++k) {
      const size_t c = rng_.uniform(population_.size());
      if (population_[c].second > population_[best].second) best = c;
    }
    return population_[best].first;
  }
  IndexVector child() {
    IndexVector a = select();
    const IndexVector& b = select();
    if (rng_.uniform01() < crossover_) {
      for (size_t d = 0; d < a.size(); ++d) {
        if (rng_.uniform01() < 0.5) a[d] = b[d];
      }
    }
    for (size_t d = 0; d < a.size(); ++d) {
      if (rng_.uniform01() < mutation_)
        a[d] = static_cast<uint32_t>(rng_.uniform(space_.cardinality(d)));
    }
    a = space_.canonical(a);
    seen_.insert(a);
    return a;
  }

  const DesignSpace& space_;
  Rng rng_;
  size_t population_size_, tournament_;
  double crossover_, mutation_;
  std::vector<std::pair<IndexVector, double>> population_;
  size_t pending_ = 0;
  std::set<IndexVector> seen_;
};

// Ant colony optimisation with ArchGym's semantics: pheromone per (knob, value), ants pick the
// strongest value with probability `greediness` and sample proportionally otherwise; local
// update tau <- (1 - rho) tau + rho tau0 after each choice; global deposit on the best ant of
// colony of `ants` results proportional to 1 / cost, with cost = -reward. The colony is the
// searcher's own, whatever batches the caller asks in (asked one at a time, every ant used to
// be its own colony's best and the pheromone locked onto the first designs).
class AntColony : public Searcher {
 public:
  AntColony(const DesignSpace& space, uint64_t seed, const Options& o) : space_(space), rng_(seed) {
    greediness_ = option_number(o, "greediness", 0.5, 0, 1);
    rho_ = option_number(o, "evaporation", 0.1, 0, 1);
    tau0_ = option_number(o, "pheromone", 0.1, 1e-9, 1e9);
    ants_ = static_cast<size_t>(option_number(o, "ants", 16, 1, 100000));
    for (size_t d = 0; d < space.num_dimensions(); ++d) {
      tau_.emplace_back(space.cardinality(d), tau0_);
    }
  }
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) out.push_back(ant());
    return out;
  }
  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      if (r.valid && (!have_best_ || r.reward > colony_best_.reward)) {
        colony_best_ = r;
        have_best_ = true;
      }
      if (++colony_size_ == ants_) end_colony();
    }
  }

 private:
  IndexVector ant() {
    IndexVector p(space_.num_dimensions());
    for (size_t d = 0; d < p.size(); ++d) {
      auto& t = tau_[d];
      uint32_t choice;
      if (rng_.uniform01() < greediness_) {
        choice = static_cast<uint32_t>(std::max_element(t.begin(), t.end()) - t.begin());
      } else {
        double total = 0;
        for (double x : t) total += x;
        double u = rng_.uniform01() * total;
        choice = 0;
        while (choice + 1 < t.size() && u >= t[choice]) u -= t[choice++];
      }
      p[d] = choice;
      t[choice] = (1 - rho_) * t[choice] + rho_ * tau0_;  // local update
    }
    return space_.canonical(p);
  }

  // Global update: the colony's best ant deposits pheromone.
  void end_colony() {
    if (have_best_) {
      const double deposit = 1.0 / (1e-6 - colony_best_.reward);  // cost = -reward >= 0
      for (size_t d = 0; d < colony_best_.design.size(); ++d) {
        for (auto& t : tau_[d]) t *= (1 - rho_);
        tau_[d][colony_best_.design[d]] += rho_ * deposit;
      }
    }
    colony_size_ = 0;
    have_best_ = false;
  }

  const DesignSpace& space_;
  Rng rng_;
  double greediness_, rho_, tau0_;
  size_t ants_;
  std::vector<std::vector<double>> tau_;
  Told colony_best_;
  bool have_best_ = false;
  size_t colony_size_ = 0;
};

}  // namespace

std::unique_ptr<Searcher> make_random(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("random", o, {"constraints"});
  // The baseline draws blind by default, as ArchGym's random search does.
  return std::make_unique<RandomSearch>(space, seed, avoid_declared_constraints(o, false));
}
std::unique_ptr<Searcher> make_walk(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("walk", o, {});
  return std::make_unique<RandomWalk>(space, seed);
}
std::unique_ptr<Searcher> make_grid(const DesignSpace& space, uint64_t, const Options& o) {
  check_options("grid", o, {"points"});
  return std::make_unique<GridSearch>(space, o);
}
std::unique_ptr<Searcher> make_genetic(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("ga", o, {"population", "crossover", "mutation", "tournament"});
  return std::make_unique<Genetic>(space, seed, o);
}
std::unique_ptr<Searcher> make_ant_colony(const DesignSpace& space, uint64_t seed,
                                          const Options& o) {
  check_options("aco", o, {"greediness", "evaporation", "pheromone", "ants"});
  return std::make_unique<AntColony>(space, seed, o);
}

}  // namespace accelgym::agents
