// What other servers sharing a PostgreSQL database change in the data a
// server keeps in memory: face templates and who attends which event.
//
// Each server searches galleries loaded from the database (checkin/
// galleries.h). When several servers share one PostgreSQL, a face enrolled
// or deleted through one must reach the galleries of all. Triggers on
// face_templates and event_attendees (postgres_schema.cpp) NOTIFY every
// change at commit; a ChangeFeed LISTENs on its own connection and hands
// each change to a callback, in commit order.
//
// Notifications sent while the feed is disconnected are lost. So after
// every (re)connection, once it is listening again, the feed calls
// `on_resync`: whoever holds copies drops them and reloads from the
// database, which then already holds everything the lost notifications said.
// SQLite has one server per file and needs no feed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "storage/records.h"

namespace facecheck::storage {

struct Change {
  enum class Kind { kTemplateAdded, kTemplateDeleted, kAttendeeAdded, kAttendeeRemoved };
  Kind kind;
  Id subject = 0;    // the template (kTemplate*) or event (kAttendee*)
  Id person_id = 0;  // whose template, or who attends
};

// Reads a notification's payload ("t+ 12 7"); nullopt for anything else.
std::optional<Change> parse_change(std::string_view payload);

// The channel the triggers notify on.
inline constexpr const char* kChangeChannel = "facecheck_changes";

class ChangeFeed {
 public:
  struct Callbacks {
    std::function<void(const Change&)> on_change;
    std::function<void()> on_resync;
  };

  // Starts listening on a connection of its own to `uri` (a postgresql://
  // URI), retrying every `retry` while the server cannot be reached. The
  // callbacks run on the feed's thread; an exception from one is logged.
  ChangeFeed(std::string uri, Callbacks callbacks,
             std::chrono::milliseconds retry = std::chrono::seconds(1));
  ~ChangeFeed();  // stops the thread at once
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // True while connected and listening.
  bool listening() const { return listening_; }
  // Times the feed has asked for a resync: 1 after the first connection,
  // one more per reconnection or change that could not be applied.
  int resyncs() const { return resyncs_; }

 private:
  void run();
  // Listens on one connection until it breaks or the feed stops.
  void listen_once();
  void resync();

  std::string uri_;
  Callbacks callbacks_;
  std::chrono::milliseconds retry_;
  int wake_[2] = {-1, -1};  // a pipe: the destructor writes to stop poll()
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  std::atomic<int> resyncs_{0};
  std::thread thread_;
};

}  // namespace facecheck::storage
