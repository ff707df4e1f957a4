// A bank's queued requests and its row state, as the channel controller keeps them
// (controller.cc): the scheduler (bank_scheduler.h) reads them, the channel changes them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace accelgym::dram {

// A queued request: its bank is the queue's, so only the row is kept (small: requests are
// moved when one leaves from the middle of the queue).
struct QueuedRequest {
  uint64_t id;
  uint64_t ready_cycle;  // visible to the scheduler (after the controller delay)
  uint32_t row;
  bool is_write;
  bool classified = false;
};

// A bank's requests in arrival order. The oldest leaves most often (FIFO, and FR-FCFS without
// a row hit): removing it only moves a start index, where a vector would move every request
// behind it (hundreds with deep buffers).
class RequestQueue {
 public:
  size_t size() const { return items_.size() - head_; }
  bool empty() const { return size() == 0; }
  QueuedRequest& operator[](size_t i) { return items_[head_ + i]; }
  const QueuedRequest& operator[](size_t i) const { return items_[head_ + i]; }
  const QueuedRequest* begin() const { return items_.data() + head_; }
  const QueuedRequest* end() const { return items_.data() + items_.size(); }
  QueuedRequest& emplace_back() { return items_.emplace_back(); }
  void erase(size_t i) {
    const auto front = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    if (i < size() / 2) {  // fewer requests in front of it: those move back by one
      std::move_backward(front, front + static_cast<std::ptrdiff_t>(i),
                         front + static_cast<std::ptrdiff_t>(i) + 1);
      ++head_;
    } else {
      items_.erase(front + static_cast<std::ptrdiff_t>(i));
    }
    if (head_ == items_.size()) {
      clear();
    } else {
      compact_if_slack();
    }
  }

 private:
  static constexpr size_t kSlack = 16;
  // Moves the requests to the front once kSlack have left it: the move costs 1/kSlack of
  // what erasing each would, and the queue stays compact in the cache.
  void compact_if_slack() {
    if (head_ < kSlack) return;
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }
  std::vector<QueuedRequest> items_;
  size_t head_ = 0;  // items_[head_] is the oldest request
};

struct BankState {
  int64_t open_row = -1;
  // Queued requests for the open row: the scheduler looks for row hits only if there are any
  // (with deep queues and scattered rows, looking costs more than the rest of a command).
  uint32_t open_row_requests = 0;
  uint64_t act_cycle = 0;
  RequestQueue queue;
  // The request the scheduler serves next (index into the queue; its command is the
  // channel's cmd_ of this bank), redone whenever the queue or the row state changes.
  int choice = 0;

  bool for_open_row(const QueuedRequest& r) const {
    return open_row == static_cast<int64_t>(r.row);
  }
  // Opens `row` for a queued request; `sharing_hash` queued requests (that one included) have
  // a row with the same hash as `row` (Channel::row_hash_counts_).
  void open(uint32_t row, uint32_t sharing_hash) {
    open_row = row;
    if (sharing_hash == 1) {  // only the request served: no need to look at the others
      open_row_requests = 1;
      return;
    }
    open_row_requests = 0;
    for (const QueuedRequest& r : queue) open_row_requests += r.row == row;
  }
  void close() {
    open_row = -1;
    open_row_requests = 0;
  }
};

}  // namespace accelgym::dram
