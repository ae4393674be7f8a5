#include "storage/change_feed.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <memory>

namespace facecheck::storage {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;

bool parse_id(std::string_view& text, Id& out) {
  while (text.starts_with(' ')) text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end == text.data() || out <= 0) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

// The password, if the URI has one, stays out of the log.
std::string without_password(const std::string& uri) {
  const auto scheme = uri.find("://");
  const auto at = uri.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return uri;
  const auto colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon) + ":***" + uri.substr(at);
}

}  // namespace

std::optional<Change> parse_change(std::string_view payload) {
  if (payload.size() < 2) return std::nullopt;
  Change change;
  const std::string_view tag = payload.substr(0, 2);
  if (tag == "t+")
    change.kind = Change::Kind::kTemplateAdded;
  else if (tag == "t-")
    change.kind = Change::Kind::kTemplateDeleted;
  else if (tag == "a+")
    change.kind = Change::Kind::kAttendeeAdded;
  else if (tag == "a-")
    change.kind = Change::Kind::kAttendeeRemoved;
  else
    return std::nullopt;
  payload.remove_prefix(2);
  if (!parse_id(payload, change.subject) || !parse_id(payload, change.person_id) ||
      !payload.empty())
    return std::nullopt;
  return change;
}

ChangeFeed::ChangeFeed(std::string uri, Callbacks callbacks, std::chrono::milliseconds retry)
    : uri_(std::move(uri)), callbacks_(std::move(callbacks)), retry_(retry) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("change feed: cannot create its wake-up pipe");
  thread_ = std::thread([this] { run(); });
}

ChangeFeed::~ChangeFeed() {
  stopping_ = true;
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(wake_[1], &byte, 1);
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void ChangeFeed::run() {
  while (!stopping_) {
    listen_once();
    if (stopping_) break;
    // Wait before reconnecting, or until the destructor wakes us.
    pollfd wake{wake_[0], POLLIN, 0};
    ::poll(&wake, 1, static_cast<int>(retry_.count()));
  }
}

void ChangeFeed::resync() {
  ++resyncs_;
  try {
    if (callbacks_.on_resync) callbacks_.on_resync();
  } catch (const std::exception& e) {
    spdlog::error("change feed: resynchronising failed: {}", e.what());
  }
}

void ChangeFeed::listen_once() {
  Connection conn(PQconnectdb(uri_.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    spdlog::warn("change feed: cannot connect to {}: {}", without_password(uri_),
                 conn ? PQerrorMessage(conn.get()) : "out of memory");
    return;
  }
  // Named, so that pg_stat_activity shows which connection is the feed.
  const std::string listen =
      std::string("SET application_name = 'facecheck_feed'; LISTEN ") + kChangeChannel;
  bool ok = PQsendQuery(conn.get(), listen.c_str()) == 1;
  while (PGresult* r = PQgetResult(conn.get())) {  // one result per statement
    ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  if (!ok || PQstatus(conn.get()) != CONNECTION_OK) {
    spdlog::warn("change feed: LISTEN failed: {}", PQerrorMessage(conn.get()));
    return;
  }
  // Listening from here on: anything committed later arrives as a
  // notification, everything before is in the database to reload.
  listening_ = true;
  resync();
  spdlog::info("change feed: listening to other servers' changes");

  while (!stopping_) {
    pollfd fds[2] = {{PQsocket(conn.get()), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (stopping_) break;
    if (PQconsumeInput(conn.get()) == 0 || PQstatus(conn.get()) != CONNECTION_OK) {
      spdlog::warn("change feed: lost the connection: {}", PQerrorMessage(conn.get()));
      break;
    }
    while (PGnotify* note = PQnotifies(conn.get())) {
      const std::unique_ptr<PGnotify, decltype(&PQfreemem)> owned(note, PQfreemem);
      const auto change = parse_change(note->extra);
      if (!change) {
        spdlog::warn("change feed: ignored a notification it cannot read: \"{}\"", note->extra);
        continue;
      }
      try {
        if (callbacks_.on_change) callbacks_.on_change(*change);
      } catch (const std::exception& e) {
        // A change not applied would leave the copies wrong for good.
        spdlog::error("change feed: applying \"{}\" failed, resynchronising: {}", note->extra,
                      e.what());
        resync();
      }
    }
  }
  listening_ = false;
}

}  // namespace facecheck::storage
