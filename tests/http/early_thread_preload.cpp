// Preloaded (LD_PRELOAD) into `facecheck serve` by HttpShutdown: starts a
// thread when the library loads, before main, as OpenBLAS does. A signal
// sent to the process may then be delivered to a thread that no signal
// mask set in main ever reached.
#include <pthread.h>
#include <unistd.h>

namespace {

void* idle(void*) {
  for (;;) ::pause();
}

__attribute__((constructor)) void start_thread_before_main() {
  pthread_t thread;
  if (::pthread_create(&thread, nullptr, idle, nullptr) == 0) ::pthread_detach(thread);
}

}  // namespace
