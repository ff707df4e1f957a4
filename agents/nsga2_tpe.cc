#include "agents/nsga2_tpe.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

struct Member {
  IndexVector design;
  std::vector<double> objectives;  // minimised; invalid designs get +inf
  size_t rank = 0;
  double crowding = 0;
};

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    strictly |= a[i] < b[i];
  }
  return strictly;
}

// Fast non-dominated sort and crowding distance (Deb et al. 2002); returns fronts by rank.
std::vector<std::vector<size_t>> rank_and_crowd(std::vector<Member>& pop) {
  const size_t n = pop.size();
  std::vector<std::vector<size_t>> dominated(n);
  std::vector<size_t> count(n, 0);
  std::vector<std::vector<size_t>> fronts(1);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      if (dominates(pop[i].objectives, pop[j].objectives)) {
        dominated[i].push_back(j);
      } else if (dominates(pop[j].objectives, pop[i].objectives)) {
        ++count[i];
      }
    }
    if (count[i] == 0) fronts[0].push_back(i);
  }
  for (size_t f = 0; !fronts[f].empty(); ++f) {
    std::vector<size_t> next;
    for (size_t i : fronts[f]) {
      pop[i].rank = f;
      for (size_t j : dominated[i]) {
        if (--count[j] == 0) next.push_back(j);
      }
    }
    fronts.push_back(next);
  }
  fronts.pop_back();
  for (const auto& front : fronts) {
    for (size_t i : front) pop[i].crowding = 0;
    const size_t m = pop[front[0]].objectives.size();
    for (size_t k = 0; k < m; ++k) {
      std::vector<size_t> order = front;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return pop[a].objectives[k] < pop[b].objectives[k]; });
      const double lo = pop[order.front()].objectives[k], hi = pop[order.back()].objectives[k];
      pop[order.front()].crowding = pop[order.back()].crowding =
          std::numeric_limits<double>::infinity();
      if (!(hi > lo) || !std::isfinite(hi - lo)) continue;
      for (size_t i = 1; i + 1 < order.size(); ++i) {
        pop[order[i]].crowding +=
            (pop[order[i + 1]].objectives[k] - pop[order[i - 1]].objectives[k]) / (hi - lo);
      }
    }
  }
  return fronts;
}

// NSGA-II: binary tournaments on (rank, crowding), uniform crossover, per-gene mutation;
// after every `population` results, parents and children compete by rank then crowding.
class Nsga2 : public Searcher {
 public:
  Nsga2(const DesignSpace& space, uint64_t seed, const Options& o) : space_(space), rng_(seed) {
    size_ = static_cast<size_t>(option_number(o, "population", 32, 4, 10000));
    crossover_ = option_number(o, "crossover", 0.9, 0, 1);
    mutation_ =
        option_number(o, "mutation", 1.0 / static_cast<double>(space.num_dimensions()), 0, 1);
  }

  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      IndexVector p = parents_.size() < 2 ? space_.sample(rng_) : child();
      for (int attempt = 0; attempt < 16 && seen_.count(p); ++attempt) {
        p = parents_.size() < 2 ? space_.sample(rng_) : child();
      }
      seen_.insert(p);
      out.push_back(p);
    }
    return out;
  }

  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      Member m{r.design, r.objectives, 0, 0};
      if (!r.valid || m.objectives.empty()) {
        m.objectives.assign(std::max<size_t>(1, objectives_),
                            std::numeric_limits<double>::infinity());
        if (r.valid) m.objectives = {-r.reward};  // single objective: minimise -reward
      }
      objectives_ = std::max(objectives_, m.objectives.size());
      children_.push_back(std::move(m));
    }
    if (parents_.size() < size_ && parents_.size() + children_.size() >= 2) {
      // Filling the first generation.
      for (auto& c : children_) parents_.push_back(std::move(c));
      children_.clear();
      rank_and_crowd(parents_);
      return;
    }
    if (children_.size() < size_) return;
    std::vector<Member> all = parents_;
    for (auto& c : children_) all.push_back(std::move(c));
    children_.clear();
    for (auto& m : all) m.objectives.resize(objectives_, std::numeric_limits<double>::infinity());
    const auto fronts = rank_and_crowd(all);
    std::vector<Member> next;
    for (const auto& front : fronts) {
      std::vector<size_t> order = front;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return all[a].crowding > all[b].crowding; });
      for (size_t i : order) {
        if (next.size() < size_) next.push_back(all[i]);
      }
    }
    parents_ = std::move(next);
    rank_and_crowd(parents_);
  }

 private:
  const Member& tournament() {
    const Member& a = parents_[rng_.uniform(parents_.size())];
    const Member& b = parents_[rng_.uniform(parents_.size())];
    if (a.rank != b.rank) return a.rank < b.rank ? a : b;
    return a.crowding >= b.crowding ? a : b;
  }
  IndexVector child() {
    IndexVector c = tournament().design;
    const IndexVector& other = tournament().design;
    if (rng_.uniform01() < crossover_) {
      for (size_t d = 0; d < c.size(); ++d) {
        if (rng_.uniform01() < 0.5) c[d] = other[d];
      }
    }
    for (size_t d = 0; d < c.size(); ++d) {
      if (rng_.uniform01() < mutation_)
        c[d] = static_cast<uint32_t>(rng_.uniform(space_.cardinality(d)));
    }
    return space_.canonical(c);
  }

  const DesignSpace& space_;
  Rng rng_;
  size_t size_;
  double crossover_, mutation_;
  size_t objectives_ = 0;
  std::vector<Member> parents_, children_;
  std::set<IndexVector> seen_;
};

// Tree-structured Parzen estimator over index-encoded knobs: the best `gamma` fraction of the
// results defines l(x), the rest g(x), each a per-knob distribution with a uniform prior and,
// for ordinal knobs, mass spread to neighbouring values; `candidates` draws from l, the one
// maximising l/g is proposed. The first `startup` designs are random.
class Tpe : public Searcher {
 public:
  Tpe(const DesignSpace& space, uint64_t seed, const Options& o) : space_(space), rng_(seed) {
    startup_ = static_cast<size_t>(option_number(o, "startup", 10, 1, 1e6));
    candidates_ = static_cast<size_t>(option_number(o, "candidates", 24, 1, 1e6));
    gamma_ = option_number(o, "gamma", 0.25, 0.01, 0.99);
  }

  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      IndexVector p = history_.size() < startup_ ? space_.sample(rng_) : propose();
      for (int attempt = 0; attempt < 16 && seen_.count(p); ++attempt) p = space_.sample(rng_);
      seen_.insert(p);
      out.push_back(p);
    }
    return out;
  }

  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) history_.push_back({r.design, r.reward});
  }

 private:
  std::vector<std::vector<double>> density(const std::vector<const IndexVector*>& designs) const {
    std::vector<std::vector<double>> out;
    for (size_t d = 0; d < space_.num_dimensions(); ++d) {
      const size_t n = space_.cardinality(d);
      std::vector<double> w(n, 1.0 / static_cast<double>(n));  // prior: one uniform pseudo-count
      const bool ordinal = space_.dimension(d).kind() != v1::Dimension::CATEGORICAL;
      for (const IndexVector* p : designs) {
        const uint32_t v = (*p)[d];
        w[v] += ordinal ? 0.6 : 1.0;
        if (ordinal && v > 0) w[v - 1] += 0.2;
        if (ordinal && v + 1 < n) w[v + 1] += 0.2;
      }
      double total = 0;
      for (double x : w) total += x;
      for (double& x : w) x /= total;
      out.push_back(std::move(w));
    }
    return out;
  }

  IndexVector propose() {
    std::vector<std::pair<double, const IndexVector*>> sorted;
    for (const auto& [design, reward] : history_) sorted.push_back({reward, &design});
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const size_t good_n = std::max<size_t>(
        1, static_cast<size_t>(std::ceil(gamma_ * static_cast<double>(sorted.size()))));
    std::vector<const IndexVector*> good, bad;
    for (size_t i = 0; i < sorted.size(); ++i)
      (i < good_n ? good : bad).push_back(sorted[i].second);
    const auto l = density(good), g = density(bad);
    IndexVector best;
    double best_score = -std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < candidates_; ++c) {
      IndexVector p(space_.num_dimensions());
      double score = 0;
      for (size_t d = 0; d < p.size(); ++d) {
        double u = rng_.uniform01();
        uint32_t v = 0;
        while (v + 1 < l[d].size() && u >= l[d][v]) u -= l[d][v++];
        p[d] = v;
        score += std::log(l[d][v]) - std::log(g[d][v]);
      }
      p = space_.canonical(p);
      if (score > best_score && !seen_.count(p)) {
        best_score = score;
        best = p;
      }
    }
    return best.empty() ? space_.sample(rng_) : best;
  }

  const DesignSpace& space_;
  Rng rng_;
  size_t startup_, candidates_;
  double gamma_;
  std::vector<std::pair<IndexVector, double>> history_;
  std::set<IndexVector> seen_;
};

}  // namespace

std::unique_ptr<Searcher> make_nsga2(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("nsga2", o, {"population", "crossover", "mutation"});
  return std::make_unique<Nsga2>(space, seed, o);
}

std::unique_ptr<Searcher> make_tpe(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("tpe", o, {"startup", "candidates", "gamma"});
  return std::make_unique<Tpe>(space, seed, o);
}

}  // namespace accelgym::agents
