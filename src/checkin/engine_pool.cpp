#include "checkin/engine_pool.h"

#include <opencv2/core.hpp>

namespace facecheck::checkin {

EnginePool::EnginePool(const std::filesystem::path& models_dir, int workers, size_t max_queue)
    : EnginePool(
          [models_dir] {
            auto engine = std::make_unique<vision::FaceEngine>(models_dir);
            // Every recognizer: an event enrolled with an older model is
            // searched with it too, and its first check-in must not wait for a load.
            std::vector<std::string_view> models;
            for (const auto* card : vision::recognizer_models()) models.push_back(card->id);
            engine->preload(models);
            return engine;
          },
          workers, max_queue) {}

EnginePool::EnginePool(AnalyzerFactory make, int workers, size_t max_queue)
    : max_queue_(max_queue) {
  // Each worker runs one image at a time on one core; OpenCV's own thread
  // pool on top would only make the workers fight over the same cores.
  cv::setNumThreads(1);
  std::vector<std::promise<void>> loaded(std::max(1, workers));
  for (auto& promise : loaded) {
    threads_.emplace_back([this, &make, &promise] {
      std::unique_ptr<vision::FaceAnalyzer> engine;
      try {
        engine = make();
        promise.set_value();
      } catch (...) {
        promise.set_exception(std::current_exception());
        return;
      }
      work(*engine);
    });
  }
  try {
    for (auto& promise : loaded) promise.get_future().get();
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
}

EnginePool::~EnginePool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

size_t EnginePool::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void EnginePool::submit(std::function<void(vision::FaceAnalyzer&)> job) {
  {
    std::lock_guard lock(mutex_);
    if (jobs_.size() >= max_queue_) throw EngineBusy();
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void EnginePool::work(vision::FaceAnalyzer& engine) {
  for (;;) {
    std::function<void(vision::FaceAnalyzer&)> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(engine);  // a packaged_task: exceptions travel to the caller's future
  }
}

}  // namespace facecheck::checkin
