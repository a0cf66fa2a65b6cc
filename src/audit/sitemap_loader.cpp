// sitemap_loader.cpp — fetching, format detection, recursion and job emission.
//
// Lifetime of one document: load() fetches it into a DocumentBuffer (inflating on the fly; past
// kSpoolBytes into an unlinked temporary file, mapped once complete), parses it while the
// parser's callback sends Jobs (giving back the mapped pages window by window), then frees the
// bytes BEFORE following the children of an index, so at most one document is held however
// deep the recursion goes.
// Everything here runs on the one fiber that called run(); HttpClient calls on_body on that
// fiber too, so no state needs a lock.
#include "siteaudit/audit/sitemap_loader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "audit/page_crawler.hpp"
#include "siteaudit/audit/gzip.hpp"
#include "siteaudit/audit/retry_policy.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/audit/sitemap_lint.hpp"
#include "siteaudit/audit/sitemap_parser.hpp"
#include "siteaudit/audit/text_sitemap_parser.hpp"
#include "siteaudit/model/unlinked_file.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/poller.hpp"
#include "siteaudit/runtime/select.hpp"

namespace siteaudit::audit {

namespace {

// Document is the text of one loaded document: a string while it is small, else the pages of
// an unlinked temporary file, mapped for reading. The parse reads a mapped document window by
// window and gives back the pages behind it (release_before), so only about a window of it is
// resident at a time; a page read again comes back from the file.
class Document {
 public:
  Document() = default;
  explicit Document(std::string bytes) : bytes_(std::move(bytes)) {}
  Document(char* map, std::size_t size) : map_(map), size_(size) {}
  ~Document() { unmap(); }
  Document(Document&& other) noexcept
      : bytes_(std::move(other.bytes_)),
        map_(std::exchange(other.map_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        released_(std::exchange(other.released_, 0)) {}
  Document& operator=(Document&& other) noexcept {
    if (this != &other) {
      unmap();
      bytes_ = std::move(other.bytes_);
      map_ = std::exchange(other.map_, nullptr);
      size_ = std::exchange(other.size_, 0);
      released_ = std::exchange(other.released_, 0);
    }
    return *this;
  }

  std::string_view text() const noexcept {
    return map_ != nullptr ? std::string_view(map_, size_) : std::string_view(bytes_);
  }

  // release_before() gives the whole pages before `offset` of a mapped document back to the
  // kernel; a string's bytes stay.
  void release_before(std::size_t offset) noexcept {
    if (map_ == nullptr) return;
    static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t end = std::min(offset, size_) / page * page;
    if (end <= released_) return;
    // MADV_DONTNEED on a shared file mapping only unmaps the pages: their bytes stay in the
    // file, and a later read faults them back in. Failing, it leaves them resident.
    (void)::madvise(map_ + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }

 private:
  void unmap() noexcept {
    if (map_ != nullptr) ::munmap(map_, size_);
    map_ = nullptr;
  }

  std::string bytes_;
  char* map_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;  // pages before this offset were given back
};

// DocumentBuffer receives a body chunk by chunk. The first two bytes decide whether it is
// gzip; a gzip body is inflated as it arrives so the compressed bytes are never kept. Past
// kSpoolBytes the (inflated) text goes to an unlinked temporary file in blocks of
// kSpoolBlockBytes, and take() maps it; when no file can be made or written, the document
// stays in memory, as it did before there was a file.
class DocumentBuffer {
 public:
  DocumentBuffer(std::uint64_t cap, std::string spool_directory, std::uint64_t& current,
                 std::uint64_t& peak)
      : cap_(cap), spool_directory_(std::move(spool_directory)), current_(current), peak_(peak) {}
  ~DocumentBuffer() {
    current_ = 0;
    if (fd_ >= 0) ::close(fd_);
  }
  DocumentBuffer(const DocumentBuffer&) = delete;
  DocumentBuffer& operator=(const DocumentBuffer&) = delete;

  bool append(std::string_view chunk) {
    if (!error_.empty()) return false;
    if (!decided_) {
      head_.append(chunk);
      if (head_.size() < 2) return true;
      decided_ = true;
      if (has_gzip_magic(head_)) inflater_.emplace(cap_);
      std::string first = std::move(head_);
      return consume(first);
    }
    return consume(chunk);
  }

  // finish() ends the body; a one-byte body is plain text.
  bool finish() {
    if (!decided_) {
      decided_ = true;
      std::string first = std::move(head_);
      if (!consume(first)) return false;
    }
    if (inflater_ && !inflater_->finish()) {
      error_ = inflater_->error();
      return false;
    }
    return error_.empty();
  }

  bool gzip() const noexcept { return inflater_.has_value(); }
  const std::string& error() const noexcept { return error_; }

  // take() hands over the document: the file's mapping, or the string at its exact size (grown
  // chunk by chunk, its capacity is up to twice the document, and it lives while the parser
  // reads it in windows). An empty Document with error() set when the file cannot be mapped
  // or read back.
  Document take() {
    if (fd_ >= 0 && spool(/*all=*/true)) {
      const auto size = static_cast<std::size_t>(spooled_);
      void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_, 0);
      if (map != MAP_FAILED) return Document(static_cast<char*>(map), size);
      (void)unspool();
    }
    if (!error_.empty()) return {};
    bytes_.shrink_to_fit();
    return Document(std::move(bytes_));
  }

 private:
  bool consume(std::string_view chunk) {
    if (inflater_) {
      // In steps: a chunk of up to kChunkHighWater compressed bytes inflates to many times
      // that, which would sit in memory before the next write to the file.
      while (!chunk.empty() && error_.empty()) {
        const std::string_view step = chunk.substr(0, kInflateStepBytes);
        chunk.remove_prefix(step.size());
        if (!inflater_->feed(step, bytes_)) error_ = inflater_->error();
        held();
      }
    } else if (cap_ != 0 && spooled_ + bytes_.size() + chunk.size() > cap_) {
      error_ = fmt::format("larger than the {}-byte limit (--max-sitemap-size)", cap_);
    } else {
      bytes_.append(chunk);
      held();
    }
    return error_.empty();
  }

  // held() writes the text in memory to the file once there is a block of it and the document
  // is past kSpoolBytes, and counts what stays in memory.
  void held() {
    if (error_.empty() && !memory_only_ && bytes_.size() >= kSpoolBlockBytes &&
        (fd_ >= 0 || spooled_ + bytes_.size() > kSpoolBytes)) {
      (void)spool(/*all=*/false);
    }
    current_ = bytes_.size();
    peak_ = std::max(peak_, current_);
  }

  // spool() writes the text held in memory to the file, which it makes the first time; false
  // when the document stays in memory (no file could be made or written: memory_only_) or
  // could not be read back from the file (error_).
  bool spool(bool all) {
    if (fd_ < 0) {
      fd_ = model::open_unlinked_file(model::temporary_directory(spool_directory_), "sitemap");
      if (fd_ < 0) {
        memory_only_ = true;
        return false;
      }
    }
    if (!model::write_all_at(fd_, bytes_, spooled_)) {
      (void)unspool();
      return false;
    }
    spooled_ += bytes_.size();
    if (all || bytes_.capacity() > 2 * kSpoolBlockBytes) {
      std::string().swap(bytes_);  // the first block kept the capacity of a whole kSpoolBytes
    } else {
      bytes_.clear();
    }
    return true;
  }

  // unspool() brings what the file holds back into memory, ahead of what is still there, and
  // closes the file: the rest of the document stays in memory. False (error_ set) when the
  // file cannot be read.
  bool unspool() {
    memory_only_ = true;
    std::string text(static_cast<std::size_t>(spooled_), '\0');
    const bool read = model::read_all_at(fd_, text.data(), text.size(), 0);
    ::close(fd_);
    fd_ = -1;
    if (!read) {
      error_ = fmt::format("cannot read back the temporary file it was kept in: {}",
                           errno != 0 ? std::strerror(errno) : "it ended early");
      return false;
    }
    text += bytes_;
    bytes_ = std::move(text);
    spooled_ = 0;
    return true;
  }

  // kSpoolBlockBytes is how much text is written to the file at once.
  static constexpr std::size_t kSpoolBlockBytes = 64 * 1024;
  // kInflateStepBytes is how much compressed input is inflated before the output is written.
  static constexpr std::size_t kInflateStepBytes = 4 * 1024;

  std::uint64_t cap_;
  std::string spool_directory_;
  std::uint64_t& current_;
  std::uint64_t& peak_;
  bool decided_ = false;
  std::string head_;
  std::string bytes_;  // the text not yet in the file
  std::optional<GzipInflater> inflater_;
  std::string error_;
  int fd_ = -1;                // the temporary file, once the document outgrew kSpoolBytes
  std::uint64_t spooled_ = 0;  // bytes written to it
  bool memory_only_ = false;   // no file could be made or written: keep the rest in memory
};

struct Fetched {
  Document doc;
  std::string final_url;  // where the document was found (after redirects); the parse base
  bool gzip = false;
  bool html_type = false;  // the response's Content-Type names an HTML page
  int status = 0;          // HTTP status; 0 for files and transport failures
  std::string error;       // non-empty: no usable document
  bool cancelled = false;
};

bool is_robots_location(std::string_view location) {
  auto q = location.find_first_of("?#");
  return location.substr(0, q).ends_with("/robots.txt");
}

Finding make_finding(FindingCode code, std::string message, std::string where,
                     std::uint32_t line = 0) {
  return Finding{.code = code,
                 .message = std::move(message),
                 .where = std::move(where),
                 .line = line,
                 .severity = Severity::warning};
}

// not_text() says why `bytes` cannot be a sitemap, robots.txt or text sitemap, which are
// UTF-8 text (sitemaps.org requires it); empty when they may be. Such input would otherwise
// parse as a text sitemap of stray lines, list nothing and pass.
std::string not_text(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return "UTF-16 text (it starts with a UTF-16 byte order mark); sitemaps must be UTF-8: "
           "convert it, e.g. with iconv -f UTF-16 -t UTF-8";
  }
  const std::string_view head = bytes.substr(0, 4096);
  const std::size_t nul = head.find('\0');
  if (nul == std::string_view::npos) return {};
  // UTF-16 without a byte order mark: every other byte of ASCII text is a NUL.
  if (head.size() >= 4 && (head[0] == '\0') != (head[1] == '\0') &&
      (head[2] == '\0') == (head[0] == '\0') && (head[3] == '\0') == (head[1] == '\0')) {
    return "UTF-16 text (every other byte is a NUL); sitemaps must be UTF-8: convert it, e.g. "
           "with iconv -f UTF-16 -t UTF-8";
  }
  return fmt::format("binary data, not a sitemap (a NUL byte at offset {})", nul);
}

// kPageOpeningTags are the elements an HTML page opens with, the standard's optional html,
// head and body tags included or left out (a fragment served as a page, a generator's
// output): none is the root of a sitemap format, so an XML sitemap, broken or not, keeps
// the parser's error.
constexpr std::string_view kPageOpeningTags[] = {
    "html",     "head",     "body",   "meta",   "title", "link", "base",    "script",  "style",
    "noscript", "template", "div",    "p",      "a",     "span", "h1",      "h2",      "h3",
    "h4",       "h5",       "h6",     "header", "nav",   "main", "section", "article", "aside",
    "footer",   "table",    "ul",     "ol",     "dl",    "img",  "form",    "br",      "hr",
    "pre",      "iframe",   "center", "font",   "b",     "i",    "strong",  "em",      "button"};

}  // namespace

bool looks_like_html(std::string_view bytes) {
  // The first 64 KiB decide: comments longer than that are no page's opening.
  std::string_view rest = bytes.substr(0, 64 * 1024);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  // Comments and an XML declaration may come first, in a page (a generator's banner, an
  // XHTML page) as in a sitemap.
  for (;;) {
    rest = trim(rest);
    std::size_t end = std::string_view::npos;
    if (rest.starts_with("<!--")) {
      end = rest.find("-->", 2);  // "<!-->" is a whole (empty) comment in HTML
      if (end != std::string_view::npos) end += 3;
    } else if (rest.starts_with("<?")) {
      end = rest.find("?>");
      if (end != std::string_view::npos) end += 2;
    } else {
      break;
    }
    if (end == std::string_view::npos) return false;
    rest.remove_prefix(end);
  }
  if (!rest.starts_with('<')) return false;
  rest.remove_prefix(1);
  if (net::istarts_with(rest, "!doctype")) {
    return net::istarts_with(trim(rest.substr(8)), "html");
  }
  const std::string_view name = rest.substr(0, rest.find_first_of(" \t\r\n\f/>"));
  return std::any_of(std::begin(kPageOpeningTags), std::end(kPageOpeningTags),
                     [&](std::string_view tag) { return net::iequals(name, tag); });
}

DocumentFormat detect_format(std::string_view bytes, std::string_view location) {
  std::string_view rest = bytes;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  rest = trim(rest);
  if (rest.starts_with('<')) return DocumentFormat::xml;
  if (rest.empty()) {
    return is_robots_location(location) ? DocumentFormat::robots : DocumentFormat::text;
  }
  // A text sitemap's lines are URLs; a robots.txt has field lines. Parsing the (capped)
  // robots prefix is cheap next to fetching it.
  if (RobotsTxt::parse(rest.substr(0, 64 * 1024), "").looks_like_robots()) {
    return DocumentFormat::robots;
  }
  return is_robots_location(location) &&
                 !net::is_absolute_http_url(trim(rest.substr(0, rest.find('\n'))))
             ? DocumentFormat::robots
             : DocumentFormat::text;
}

LoaderOptions LoaderOptions::from(const AuditConfig& config) {
  LoaderOptions o;
  o.max_depth = config.max_depth;
  o.max_sitemaps = config.max_sitemaps;
  o.max_sitemap_bytes = config.max_sitemap_bytes;
  o.timeout = config.timeout;
  o.headers = config.headers;
  o.same_origin_only = config.same_origin_only;
  o.allow_empty = config.allow_empty;
  o.crawl = config.crawl;
  return o;
}

struct SitemapLoader::Impl {
  Impl(net::HttpClient& c, LoaderOptions o, Frontier& f)
      : client(c), options(std::move(o)), frontier(f) {}

  net::HttpClient& client;
  LoaderOptions options;
  Frontier& frontier;
  std::vector<Source> sources;
  std::unordered_set<std::string> sitemaps;  // normalised URLs (and file paths) loaded
  std::uint64_t credential_findings = 0;
  std::uint64_t listed = 0;  // entries the parsers delivered, duplicates included
  std::uint64_t current_bytes = 0;
  std::uint64_t peak_bytes = 0;

  const rt::Context* ctx = nullptr;
  LoadResult result;
  bool stop = false;

  // ---- fetching ----

  Fetched fetch(const std::string& location) {
    if (net::is_absolute_http_url(location)) return download(location);
    Fetched f;
    f.final_url = location;
    if (location.find("://") != std::string::npos) {
      f.error = "only http and https URLs, local files and - (standard input) can be loaded";
      return f;
    }
    DocumentBuffer buffer(options.max_sitemap_bytes, options.spool_directory, current_bytes,
                          peak_bytes);
    const bool stdin_input = location == "-";
    // O_NONBLOCK: a FIFO without a writer would block open() itself, and no read may hold this
    // thread, or a signal could not end the run while the input waits (read_all()).
    const int fd =
        stdin_input ? STDIN_FILENO : ::open(location.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      f.error = fmt::format("cannot open: {}", std::strerror(errno));
      return f;
    }
    // Standard input's flags belong to a description shared with the shell: set O_NONBLOCK for
    // the read only, and put the flags back.
    const int stdin_flags = stdin_input ? ::fcntl(fd, F_GETFL) : -1;
    if (stdin_flags >= 0) ::fcntl(fd, F_SETFL, stdin_flags | O_NONBLOCK);
    read_all(fd, buffer, f);
    if (stdin_flags >= 0) ::fcntl(fd, F_SETFL, stdin_flags);
    if (!stdin_input) ::close(fd);
    if (f.error.empty() && !f.cancelled) take_document(buffer, f);
    return f;
  }

  // read_all() reads `fd` to its end into `buffer`, parking this fiber (never the thread)
  // while a FIFO, pipe, socket or terminal has nothing to read, so that cancelling the run
  // ends the wait. Regular files cannot be polled (epoll refuses them) and never block long.
  void read_all(int fd, DocumentBuffer& buffer, Fetched& f) {
    struct stat st {};
    // A FIFO opened without a writer reads as the end at once; only the poller tells "no
    // writer yet" (no event) from "the writer is done" (a hang-up), so wait before each read.
    const bool wait_first = ::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    std::vector<char> chunk(64 * 1024);
    for (;;) {
      if (ctx->is_done() || (wait_first && rt::wait_readable(fd, *ctx) != rt::IoStatus::ready)) {
        f.cancelled = true;
        f.error = "cancelled while reading";
        return;
      }
      const ssize_t n = ::read(fd, chunk.data(), chunk.size());
      if (n > 0) {
        if (!buffer.append(std::string_view(chunk.data(), static_cast<std::size_t>(n)))) {
          f.error = buffer.error();
          return;
        }
        continue;
      }
      if (n == 0) return;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!wait_first && rt::wait_readable(fd, *ctx) != rt::IoStatus::ready) {
          f.cancelled = true;
          f.error = "cancelled while reading";
          return;
        }
        continue;
      }
      f.error = fmt::format("read error: {}", std::strerror(errno));
      return;
    }
  }

  // download() GETs an http(s) document, trying again after a transient failure when
  // options.retry allows; each attempt streams into a fresh buffer.
  Fetched download(const std::string& location) {
    RetryLoop retries(options.retry, *ctx);
    for (;;) {
      Fetched f;
      f.final_url = location;
      DocumentBuffer buffer(options.max_sitemap_bytes, options.spool_directory, current_bytes,
                            peak_bytes);
      net::Request request;
      request.method = net::Method::get;
      request.url = location;
      // A child sitemap on another origin is the site's choice, not the user's: no --header
      // and no URL credentials go there.
      if (is_trusted(location)) {
        request.headers = options.headers;
      } else if (net::has_userinfo(location)) {
        request.url = net::without_userinfo(location);
      }
      request.max_body_bytes = options.max_sitemap_bytes;
      request.timeout = options.timeout;
      request.on_body = [&](std::string_view chunk) { return buffer.append(chunk); };
      retries.count_attempt();
      net::FetchResult r = client.fetch(*ctx, request);
      f.status = r.response.status;
      if (!r.response.url.empty()) f.final_url = r.response.url;
      f.cancelled = r.error.kind == net::ErrorKind::cancelled;
      const RetryStep step = retries.after(r);
      if (step == RetryStep::again) continue;
      if (step == RetryStep::cancelled) {
        f.cancelled = true;
        f.error = "cancelled while waiting to retry";
        return f;
      }
      const std::string gave_up =
          retries.gave_up() ? fmt::format(" (gave up after {} attempts)", retries.attempts())
                            : std::string();
      if (!r.ok()) {
        f.error = r.error.kind == net::ErrorKind::body_too_large
                      ? fmt::format("larger than the {}-byte limit (--max-sitemap-size)",
                                    options.max_sitemap_bytes)
                      : r.error.message + gave_up;
        return f;
      }
      if (f.status < 200 || f.status > 299) {
        f.error = fmt::format("HTTP status {}{}", f.status, gave_up);
        return f;
      }
      f.html_type = is_html_type(r.response.header("content-type").value_or(""));
      take_document(buffer, f);
      return f;
    }
  }

  // take_document() ends `buffer` and moves the document into `f`, or says why there is none.
  static void take_document(DocumentBuffer& buffer, Fetched& f) {
    if (!buffer.finish()) {
      f.error = buffer.error();
      return;
    }
    f.gzip = buffer.gzip();
    f.doc = buffer.take();
    if (!buffer.error().empty()) f.error = buffer.error();
  }

  // ---- jobs ----

  bool is_trusted(std::string_view url) const {
    return options.trusted != nullptr && options.trusted->contains(url);
  }

  // report_credentials() flags a listed URL with credentials before its host: libcurl would
  // send them as Basic auth to whatever origin the sitemap names. The frontier decides whether
  // they are kept (only for trusted origins); the finding says which.
  void report_credentials(std::string_view url, std::uint32_t source, std::uint32_t line) {
    if (!net::has_userinfo(url) || ++credential_findings > kMaxFindingsPerCode) return;
    const bool trusted = is_trusted(url);
    sources[source].warnings.push_back(make_finding(
        FindingCode::credentials_in_url,
        fmt::format("{} is listed with a user name or password before its host, which the "
                    "sitemap publishes; {}",
                    net::without_userinfo(url),
                    trusted ? "they are sent (as Basic auth) because the origin is trusted"
                            : "they are not sent, because the origin is not an input's or a "
                              "--header-host"),
        sources[source].url, line));
  }

  void emit(SitemapEntry&& entry, std::uint32_t source, std::uint64_t& source_duplicates) {
    if (stop) return;
    // Back-pressure: the loader is not a worker, so it may wait for the workers to catch up;
    // a document's URLs then wait in the frontier's queue, not the whole site's.
    frontier.wait_for_room();
    const std::uint32_t line = entry.line;
    const std::string_view loc = entry.loc;
    report_credentials(entry.url, source, line);
    switch (frontier.offer(Offer{.loc = loc,
                                 .url = std::move(entry.url),
                                 .lastmod = std::move(entry.lastmod),
                                 .source = source,
                                 .line = line})) {
      case OfferStatus::accepted:
        // The URLs of a document already read are still offered after cancellation: the
        // workers report them as cancelled, so nothing the sitemaps listed is lost.
        if (ctx->is_done()) result.cancelled = true;
        return;
      case OfferStatus::other_shard:
      case OfferStatus::found_before:
        return;
      case OfferStatus::duplicate:
        if (++source_duplicates <= kMaxFindingsPerCode) {
          sources[source].warnings.push_back(
              make_finding(FindingCode::duplicate_url,
                           fmt::format("{} is listed more than once; checked once", loc),
                           sources[source].url, line));
        }
        return;
      case OfferStatus::limit_reached:
        stop = true;
        result.url_limit_reached = true;
        sources[source].warnings.push_back(
            make_finding(FindingCode::max_urls_reached,
                         fmt::format("--max-urls {} reached; the remaining URLs are not checked",
                                     frontier.numbered()),
                         sources[source].url, line));
        return;
    }
  }

  // ---- documents ----

  // add_source() starts the record of a document; `named` is how the input or parent named it.
  std::uint32_t add_source(std::string named, int parent) {
    Source s;
    s.url = std::move(named);
    s.parent = parent;
    sources.push_back(std::move(s));
    return static_cast<std::uint32_t>(sources.size() - 1);
  }

  // follow() loads a child sitemap unless a limit, a cycle or a duplicate says no.
  void follow(const std::string& url, const std::string& named, std::uint32_t parent,
              std::uint32_t line, unsigned depth, bool guessed = false) {
    if (stop) return;
    Source& p = sources[parent];
    if (sitemaps.contains(url)) {
      p.warnings.push_back(make_finding(
          FindingCode::sitemap_already_loaded,
          fmt::format("{} was already loaded (a cycle or a duplicate listing); not loaded again",
                      named),
          p.url, line));
      return;
    }
    if (options.same_origin_only && net::is_absolute_http_url(url) && !is_trusted(url)) {
      p.warnings.push_back(make_finding(
          FindingCode::sitemap_other_origin,
          fmt::format("{} not loaded: it is on another origin (--same-origin-only)", named), p.url,
          line));
      return;
    }
    if (depth > options.max_depth) {
      p.warnings.push_back(
          make_finding(FindingCode::max_depth_reached,
                       fmt::format("{} not loaded: sitemap indexes nest deeper than --max-depth {}",
                                   named, options.max_depth),
                       p.url, line));
      return;
    }
    if (sources.size() >= options.max_sitemaps) {
      p.warnings.push_back(
          make_finding(FindingCode::max_sitemaps_reached,
                       fmt::format("{} not loaded: more than --max-sitemaps {} sitemaps", named,
                                   options.max_sitemaps),
                       p.url, line));
      return;
    }
    sitemaps.insert(url);
    load(url, add_source(named, static_cast<int>(parent)), depth, false, guessed);
  }

  // load() fetches, parses and emits one document, then follows its children. Returns false
  // when a top-level input failed (result.error says why). `guessed` marks the /sitemap.xml
  // tried for a site whose robots.txt names none: in crawl mode its absence is not an error.
  bool load(const std::string& location, std::uint32_t idx, unsigned depth, bool top,
            bool guessed = false) {
    Fetched f = fetch(location);
    if (f.cancelled || ctx->is_done()) {
      stop = true;
      result.cancelled = true;
      sources[idx].error = f.error.empty() ? "cancelled" : f.error;
      return true;
    }
    bool robots_name = is_robots_location(location);
    if (!f.error.empty()) {
      sources[idx].error = fmt::format("{}: {}", location, f.error);
      // A robots.txt that is not there (4xx) or fails (5xx) has no Sitemap: lines: look at
      // /sitemap.xml instead. A host that does not answer at all is an input error.
      if (robots_name && f.status != 0) {
        sources[idx].kind = SourceKind::robots;
        // What the status means for crawling (RFC 9309: 4xx allows all, 5xx disallows all)
        // holds for --respect-robots too: no second request.
        if (options.robots != nullptr && f.status >= 400) {
          options.robots->insert(location, RobotsTxt::for_status(f.status));
        }
        // A robots.txt that is not there (4xx) is a site without one, which RFC 9309 allows:
        // not a failed source. A 5xx is a server in trouble, and stays one.
        if (f.status >= 400 && f.status < 500) sources[idx].error.clear();
        fall_back(location, idx, depth,
                  f.status < 500 ? fmt::format("no robots.txt ({})", f.status)
                                 : std::string("robots.txt could not be read"));
        return true;
      }
      if (guessed && options.crawl && f.status >= 400 && f.status < 500) {
        // A site without a sitemap can still be crawled; the reconciliation has nothing to
        // reconcile, which the warning says.
        sources[idx].warnings.push_back(make_finding(
            FindingCode::sitemap_fallback,
            fmt::format("no sitemap at {} ({}); the crawl goes on from the site's pages", location,
                        f.status),
            sources[idx].url));
        sources[idx].error.clear();
        return true;
      }
      if (top) {
        result.error = sources[idx].error;
        return false;
      }
      return true;
    }
    // A redirect onto a sitemap already loaded is that sitemap: stop here (this is how
    // index -> redirect -> index loops end).
    if (f.final_url != location) {
      net::UrlResult final_url = net::normalize_url(f.final_url);
      std::string key = final_url.ok() ? final_url.url : f.final_url;
      if (!sitemaps.insert(key).second) {
        sources[idx].warnings.push_back(make_finding(
            FindingCode::sitemap_already_loaded,
            fmt::format("redirects to {}, which was already loaded; not loaded again", key),
            sources[idx].url));
        return true;
      }
    }
    sources[idx].gzip = f.gzip;
    const std::string_view text = f.doc.text();
    // The bytes decide, as servers often send a sitemap with the wrong type; but a page its
    // server calls HTML in bytes no sitemap can be (UTF-16, which a browser reads by its byte
    // order mark) is that page, not a sitemap to convert.
    if (looks_like_html(text) || (f.html_type && !not_text(text).empty())) {
      if (robots_name) {
        // A site that answers every path with a page (a single-page app's catch-all route, a
        // CMS's "not found" page sent with 200) has no robots.txt: the page holds no rules and
        // no Sitemap: lines, and read as XML it would be an error. Like a 404: allow all, and
        // look at /sitemap.xml.
        sources[idx].kind = SourceKind::robots;
        if (options.robots != nullptr) options.robots->insert(location, RobotsTxt::allow_all());
        fall_back(location, idx, depth, "robots.txt is an HTML page, not a robots.txt");
        return true;
      }
      sources[idx].kind = SourceKind::page;
      if (!top) {
        // The same site's /sitemap.xml, or a listed child sitemap, answered with a page.
        if (guessed && options.crawl) {
          sources[idx].warnings.push_back(make_finding(
              FindingCode::sitemap_fallback,
              fmt::format("no sitemap at {} (it is an HTML page); the crawl goes on from the "
                          "site's pages",
                          location),
              sources[idx].url));
        } else {
          sources[idx].error = fmt::format("{}: this is an HTML page, not a sitemap", location);
        }
        return true;
      }
      // A page from a file or standard input has no URL: the crawl could neither resolve its
      // links nor fetch it, so it is an input error that says what to give instead.
      const bool remote = net::is_absolute_http_url(location);
      if (options.crawl && remote) {
        // An HTML page named as an input: the crawl starts from it, where it landed.
        sources[idx].urls = 1;
        frontier.widen_scope_to(f.final_url);
        offer_page(f.final_url);
        return true;
      }
      // A page where a sitemap was expected: read as a text sitemap it would list nothing
      // and bury the reason under not_a_url warnings. Say what it is and what was meant.
      sources[idx].error =
          remote ? fmt::format(
                       "{}: this is an HTML page, not a sitemap: name the site's sitemap "
                       "(or its root, to find it through robots.txt), or add --crawl to "
                       "check the page and its links",
                       location)
                 : fmt::format(
                       "{}: this is an HTML page, not a sitemap: name the site's sitemap, "
                       "or give the page's URL{} to check it and its links",
                       location, options.crawl ? "" : " with --crawl");
      result.error = sources[idx].error;
      return false;
    }
    if (std::string why = not_text(text); !why.empty()) {
      sources[idx].error = fmt::format("{}: {}", location, why);
      if (top) {
        result.error = sources[idx].error;
        return false;
      }
      return true;
    }
    std::uint64_t source_duplicates = 0;
    EntryCallback on_url = [&](SitemapEntry&& e) {
      ++listed;
      emit(std::move(e), idx, source_duplicates);
    };
    const Cancellation cancel{.is_cancelled = [this] { return ctx->is_done(); }};
    DocumentFormat format = detect_format(text, f.final_url);
    SitemapDocument doc;
    std::vector<std::pair<std::string, std::uint32_t>> children;  // (url, line)
    if (format == DocumentFormat::robots) {
      // A named site's robots.txt that redirected (to https:, to www.) says where the site
      // lives: its pages are crawled there. (A sitemap may live on a CDN: its redirect does not.)
      if (top) frontier.widen_scope_to(f.final_url);
      RobotsTxt rules = RobotsTxt::parse(text, net::is_absolute_http_url(f.final_url)
                                                   ? std::string_view(f.final_url)
                                                   : std::string_view());
      doc.kind = SourceKind::robots;
      doc.findings = rules.findings();
      for (const RobotsSitemap& s : rules.sitemaps()) children.emplace_back(s.url, s.line);
      if (options.robots != nullptr) options.robots->insert(f.final_url, std::move(rules));
    } else if (format == DocumentFormat::text) {
      doc = parse_text_sitemap(text, f.final_url, on_url, cancel);
    } else {
      // A mapped document gives back the pages of each window once it is parsed.
      doc = parse_sitemap(text, f.final_url, on_url, cancel,
                          [&](std::size_t next) { f.doc.release_before(next); });
      for (SitemapEntry& child : doc.children)
        children.emplace_back(std::move(child.url), child.line);
      doc.children.clear();
    }
    // The document's bytes go before any child is fetched: one document at a time.
    f.doc = Document();
    current_bytes = 0;

    Source& source = sources[idx];
    source.kind = doc.kind;
    // An index or robots.txt lists sitemaps, not pages: its count is the child sitemaps.
    source.urls = doc.kind == SourceKind::sitemap_index || doc.kind == SourceKind::robots
                      ? children.size()
                      : doc.entries;
    for (Finding& finding : doc.findings) source.warnings.push_back(std::move(finding));
    if (source_duplicates > kMaxFindingsPerCode) {
      source.warnings.push_back(
          make_finding(FindingCode::duplicate_url,
                       fmt::format("{} more duplicate_url findings not listed",
                                   source_duplicates - kMaxFindingsPerCode),
                       source.url));
    }
    if (doc.cancelled) {
      // Like a child sitemap never fetched: what was not read is not listed.
      stop = true;
      result.cancelled = true;
      source.error = fmt::format("{}:{}: cancelled; the entries from this line on were not read",
                                 source.url, doc.cancelled_line);
      return true;
    }
    if (!doc.error.empty()) {
      source.error = doc.error;
      if (top) {
        result.error = doc.error;
        return false;
      }
    }
    if (doc.kind == SourceKind::sitemap_index && source.parent >= 0 &&
        sources[static_cast<std::size_t>(source.parent)].kind == SourceKind::sitemap_index) {
      source.warnings.push_back(make_finding(
          FindingCode::nested_index,
          "a sitemap index lists another sitemap index; the protocol does not allow nesting "
          "(followed within --max-depth)",
          source.url));
    }
    if (doc.kind == SourceKind::robots) {
      if (children.empty()) {
        fall_back(f.final_url, idx, depth, "robots.txt has no Sitemap: lines");
        return true;
      }
      // A robots.txt's sitemaps are its listings, not a level of index nesting.
      for (auto& [url, line] : children) follow(url, url, idx, line, depth);
      return true;
    }
    for (auto& [url, line] : children) follow(url, url, idx, line, depth + 1);
    return true;
  }

  // fall_back() tries /sitemap.xml of the robots.txt's origin, saying so.
  void fall_back(const std::string& robots_url, std::uint32_t idx, unsigned depth,
                 std::string_view why) {
    net::UrlResult fallback = net::resolve_url(robots_url, "/sitemap.xml");
    if (!fallback.ok()) return;
    sources[idx].warnings.push_back(make_finding(FindingCode::sitemap_fallback,
                                                 fmt::format("{}; trying {}", why, fallback.url),
                                                 sources[idx].url));
    follow(fallback.url, fallback.url, idx, 0, depth, /*guessed=*/true);
  }

  // offer_page() offers an input the crawl starts from: a site root or an HTML page.
  void offer_page(const std::string& url) {
    ++listed;
    (void)frontier.offer(Offer{
        .loc = url, .url = url, .source = kNoSource, .found = Discovery::input, .page = true});
  }

  LoadResult run(const std::vector<std::string>& inputs) {
    for (const std::string& input : inputs) {
      if (stop) break;
      std::string location = input;
      // Counted from here: in crawl mode a site root is itself a page the input gives.
      const std::uint64_t listed_before = listed;
      if (net::is_absolute_http_url(input)) {
        net::UrlResult normal = net::normalize_url(input);
        if (!normal.ok()) {
          result.error = fmt::format("{}: {}", input, normal.error);
          return std::move(result);
        }
        location = normal.url;
        // A site root means "find its sitemaps": read its robots.txt.
        net::UrlParts parts;
        if (net::split_url(location, parts) && parts.path == "/" && parts.query.empty()) {
          // In crawl mode the root is also the first page.
          if (options.crawl) offer_page(location);
          location = net::resolve_url(location, "/robots.txt").url;
        }
      }
      if (!sitemaps.insert(location).second) continue;  // named twice
      std::uint32_t idx = add_source(input, -1);
      if (!load(location, idx, 0, true)) return std::move(result);
      // A sitemap that lists nothing (an empty file, a wrong path, a page that is not one) is a
      // mistake far more often than an intent: say so, unless told it is fine.
      if (listed == listed_before && !stop && !options.allow_empty) {
        // When a sitemap it led to failed, that failure is the likely reason: name the last
        // one (a robots.txt's fallback fails after the robots.txt itself).
        std::string why;
        for (std::size_t i = idx; i < sources.size(); ++i) {
          if (!sources[i].error.empty()) why = sources[i].error;
        }
        result.error =
            fmt::format("{}: no URLs found{}{} (use --allow-empty to accept an empty input)", input,
                        why.empty() ? "" : ": ", why);
        return std::move(result);
      }
    }
    return std::move(result);
  }
};

SitemapLoader::SitemapLoader(net::HttpClient& client, LoaderOptions options, Frontier& frontier)
    : impl_(std::make_unique<Impl>(client, std::move(options), frontier)) {}

SitemapLoader::~SitemapLoader() = default;

LoadResult SitemapLoader::run(const rt::Context& ctx, const std::vector<std::string>& inputs) {
  impl_->ctx = &ctx;
  LoadResult result = impl_->run(inputs);
  impl_->ctx = nullptr;
  return result;
}

const std::vector<Source>& SitemapLoader::sources() const noexcept {
  return impl_->sources;
}
std::vector<Source> SitemapLoader::take_sources() {
  return std::move(impl_->sources);
}
std::uint64_t SitemapLoader::peak_document_bytes() const noexcept {
  return impl_->peak_bytes;
}

}  // namespace siteaudit::audit
