// Prometheus metrics of the server, served as text at /metrics.
//
// Request counts and latencies are labelled by route *pattern* (e.g.
// "/api/v1/events/{id}/checkin"), never by the concrete path, so ids do not
// create one time series each.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "checkin/outcomes.h"

namespace facecheck::http {

class Metrics {
 public:
  Metrics();

  void observe_request(const std::string& method, const std::string& route, int status,
                       double seconds);
  // A request whose latency is meaningless (an SSE stream lasts minutes).
  void count_request(const std::string& method, const std::string& route, int status);
  void count_error(const std::string& code);
  // Time spent in one domain operation (check_in, enrol, detect): queueing
  // for an engine plus inference, without HTTP parsing.
  void observe_operation(const std::string& operation, double seconds);
  // Counts the faces of a check-in result by status, and new check-ins.
  void count_checkin_result(const checkin::CheckinOutcome& result);

  // Values read at scrape time (engine queue, open streams).
  void set_gauge_sources(std::function<double()> engine_queue, std::function<double()> streams);

  std::string render();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Histogram>& operations_;
  prometheus::Family<prometheus::Counter>& checkin_faces_;
  prometheus::Counter& checkins_;
  prometheus::Gauge& engine_queue_;
  prometheus::Gauge& streams_;
  std::function<double()> engine_queue_source_;
  std::function<double()> streams_source_;
};

// Runs `job` and records its duration as `operation`, also when it throws
// (a refused enrolment costs the same inference).
template <typename Job>
auto timed_operation(Metrics& metrics, const char* operation, Job&& job) {
  const auto start = std::chrono::steady_clock::now();
  struct Record {
    Metrics& metrics;
    const char* operation;
    std::chrono::steady_clock::time_point start;
    ~Record() {
      metrics.observe_operation(
          operation,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  } record{metrics, operation, start};
  return job();
}

}  // namespace facecheck::http
