// poller.hpp — readiness of file descriptors, for fibers and for event-driven libraries.
//
// The runtime owns one epoll instance (plus an eventfd to interrupt it and the timer heap that
// bounds its timeout), so an idle runtime sleeps until the next timer or I/O event.
// Two ways to use it:
//
//   * A fiber calls wait_readable(fd, ctx) / wait_writable(fd, ctx) and is parked until the fd
//     is ready, the context is cancelled or its deadline passes.
//   * An event-driven library (libcurl's multi-socket API) registers a callback with
//     watch(); the callback runs on a scheduler thread, outside any fiber, with the events seen.
//     The net layer drives libcurl this way.
//
// Thread safety: every function may be called from any fiber or thread while the runtime runs.
// A watch callback for one watch never runs on two threads at once.
#pragma once

#include <cstdint>
#include <functional>

namespace siteaudit::rt {

class Context;

enum class IoStatus : std::uint8_t { ready, cancelled, deadline_exceeded };

// Event bits for watch() and its callback.
inline constexpr std::uint32_t kReadable = 1u << 0;
inline constexpr std::uint32_t kWritable = 1u << 1;
inline constexpr std::uint32_t kError = 1u << 2;  // error or hang-up, reported with the others

// wait_readable() parks the calling fiber until `fd` is readable or `ctx` is done.
[[nodiscard]] IoStatus wait_readable(int fd, const Context& ctx);
// wait_writable() parks the calling fiber until `fd` is writable or `ctx` is done.
[[nodiscard]] IoStatus wait_writable(int fd, const Context& ctx);

// WatchId names a callback registration; 0 is never valid.
using WatchId = std::uint64_t;

// watch() calls `on_event(events)` each time `fd` becomes ready for any of `interest`
// (level-triggered). Returns 0 and sets errno when the fd cannot be registered.
[[nodiscard]] WatchId watch(int fd, std::uint32_t interest,
                            std::function<void(std::uint32_t events)> on_event);
// rewatch() changes the interest set of a registration.
void rewatch(WatchId id, std::uint32_t interest);
// unwatch() removes a registration; after it returns, the callback is not running and will not
// run again (call it from inside the callback to remove itself). Unwatch an fd before closing
// it: the kernel registration of a watch whose interest was lowered may be kept (rewatch is
// lazy), and a closed fd's number can be reused by the next open.
void unwatch(WatchId id);
// unwatch_fd() removes the registration of `fd`, if there is one, like unwatch(). It is for an
// fd just created: its number was free, so a registration still held under it was left by a
// file closed without unwatch() (libcurl 7.88 closes a connection attempt that never connected
// without calling its close-socket callback), and must not block the new file's watch().
void unwatch_fd(int fd);

}  // namespace siteaudit::rt
