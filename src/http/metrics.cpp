#include "http/metrics.h"

#include <prometheus/text_serializer.h>

namespace facecheck::http {
namespace {

// Seconds. Simple routes take about a millisecond, inference 50-500 ms, and
// a loaded server queues for seconds.
prometheus::Histogram::BucketBoundaries latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("facecheck_http_requests_total")
                    .Help("HTTP requests by method, route pattern and status")
                    .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("facecheck_http_request_duration_seconds")
                   .Help("HTTP request latency by route pattern")
                   .Register(*registry_)),
      errors_(prometheus::BuildCounter()
                  .Name("facecheck_http_errors_total")
                  .Help("Error responses by machine code")
                  .Register(*registry_)),
      operations_(prometheus::BuildHistogram()
                      .Name("facecheck_operation_duration_seconds")
                      .Help("Domain operations (engine queue plus inference)")
                      .Register(*registry_)),
      checkin_faces_(prometheus::BuildCounter()
                         .Name("facecheck_checkin_faces_total")
                         .Help("Faces seen by check-in requests, by outcome")
                         .Register(*registry_)),
      checkins_(prometheus::BuildCounter()
                    .Name("facecheck_checkins_total")
                    .Help("New check-ins recorded")
                    .Register(*registry_)
                    .Add({})),
      engine_queue_(prometheus::BuildGauge()
                        .Name("facecheck_engine_queue_depth")
                        .Help("Inference jobs waiting for a free engine")
                        .Register(*registry_)
                        .Add({})),
      streams_(prometheus::BuildGauge()
                   .Name("facecheck_sse_streams")
                   .Help("Open live-feed (SSE) streams")
                   .Register(*registry_)
                   .Add({})) {}

void Metrics::count_request(const std::string& method, const std::string& route, int status) {
  requests_.Add({{"method", method}, {"route", route}, {"status", std::to_string(status)}})
      .Increment();
}

void Metrics::observe_request(const std::string& method, const std::string& route, int status,
                              double seconds) {
  count_request(method, route, status);
  latency_.Add({{"route", route}}, latency_buckets()).Observe(seconds);
}

void Metrics::count_error(const std::string& code) { errors_.Add({{"code", code}}).Increment(); }

void Metrics::observe_operation(const std::string& operation, double seconds) {
  operations_.Add({{"operation", operation}}, latency_buckets()).Observe(seconds);
}

void Metrics::count_checkin_result(const checkin::CheckinOutcome& result) {
  for (const auto& face : result.faces) {
    checkin_faces_.Add({{"status", std::string(checkin::face_status_code(face.status))}})
        .Increment();
    if (face.status == checkin::FaceStatus::kCheckedIn) checkins_.Increment();
  }
}

void Metrics::set_gauge_sources(std::function<double()> engine_queue,
                                std::function<double()> streams) {
  engine_queue_source_ = std::move(engine_queue);
  streams_source_ = std::move(streams);
}

std::string Metrics::render() {
  if (engine_queue_source_) engine_queue_.Set(engine_queue_source_());
  if (streams_source_) streams_.Set(streams_source_());
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace facecheck::http
