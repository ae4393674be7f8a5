// Runs a job over many items on N threads, each thread with its own
// FaceEngine (engines are not thread-safe), and shows progress on stderr.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/progress.h"
#include "vision/face_engine.h"
#include "vision/model_store.h"

namespace facecheck::cli {

// Calls job(engine, i) for i in [0, count) on `threads` threads. With more
// than one thread, OpenCV's own parallelism is turned off so the threads do
// not fight over the cores. The first exception stops the run and is rethrown.
// Each engine embeds with `model` unless the job says otherwise.
inline void for_each_with_engine(size_t count, int threads, const std::string& label,
                                 const std::function<void(vision::FaceEngine&, size_t)>& job,
                                 std::string_view model = vision::kDefaultModelId) {
  threads = std::max(1, threads);
  if (threads > 1) cv::setNumThreads(1);
  Progress progress(label, count);
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    vision::FaceEngine engine(vision::default_models_dir(), model);
    for (size_t i = next++; i < count; i = next++) {
      try {
        job(engine, i);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
        return;
      }
      progress.advance();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  progress.finish();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace facecheck::cli
