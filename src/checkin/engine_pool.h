// A fixed set of face analyzers (vision::FaceAnalyzer: the real FaceEngine,
// or prepared faces in tests), each owned by one worker thread, behind a
// bounded queue.
//
// Inference is the expensive part of every request. Running it on the HTTP
// threads would either pile up threads (and memory) under load or serialise
// on one engine; here slow requests wait in a queue of known length, and a
// full queue is refused at once (HTTP 503) instead of timing out later.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "vision/face_engine.h"

namespace facecheck::checkin {

// The queue is full: the caller should retry shortly.
struct EngineBusy : std::runtime_error {
  EngineBusy() : std::runtime_error("all face engines are busy; retry shortly") {}
};

class EnginePool {
 public:
  // Starts `workers` threads, each loading its own engine (networks load
  // before the constructor returns, so the first request is not slow).
  EnginePool(const std::filesystem::path& models_dir, int workers, size_t max_queue);
  // Each worker's analyzer from `make` (called on that worker's thread).
  using AnalyzerFactory = std::function<std::unique_ptr<vision::FaceAnalyzer>()>;
  EnginePool(AnalyzerFactory make, int workers, size_t max_queue);
  ~EnginePool();
  EnginePool(const EnginePool&) = delete;
  EnginePool& operator=(const EnginePool&) = delete;

  // Runs `job` on the next free engine and returns its result (or rethrows
  // its exception). Throws EngineBusy when max_queue jobs are waiting.
  template <typename Job>
  auto run(Job&& job) -> decltype(job(std::declval<vision::FaceAnalyzer&>())) {
    using Result = decltype(job(std::declval<vision::FaceAnalyzer&>()));
    auto task =
        std::make_shared<std::packaged_task<Result(vision::FaceAnalyzer&)>>(std::forward<Job>(job));
    auto future = task->get_future();
    submit([task](vision::FaceAnalyzer& engine) { (*task)(engine); });
    return future.get();
  }

  int workers() const { return static_cast<int>(threads_.size()); }
  size_t queued() const;

 private:
  void submit(std::function<void(vision::FaceAnalyzer&)> job);
  void work(vision::FaceAnalyzer& engine);

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void(vision::FaceAnalyzer&)>> jobs_;
  size_t max_queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace facecheck::checkin
