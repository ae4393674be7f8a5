#include "gallery/hnsw_index.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gallery/byte_codes.h"

// hnswlib is header-only and defines file-level statics; this file is the
// only one that includes it.
// hnswlib 0.6.2's prefetches in searchBaseLayer read the list entry after
// the last (hnswalg.h:214): 4 bytes past an upper-level link list, which
// malloc(size_links_per_element_ * level + 1) ends 1 byte after its data.
// ASan reports it (sanitize.sh, 2026-12-02). In a normal build the read
// lands in mapped heap memory (malloc's rounding, at worst the next chunk's
// header) and its value only feeds a prefetch, which never faults, so it
// is harmless; under a sanitizer the
// prefetches are compiled out (USE_SSE off; our own Space does the
// distances either way), so every other read is still checked.
#if defined(__SANITIZE_ADDRESS__)
#define FACECHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FACECHECK_ASAN 1
#endif
#endif
#if defined(FACECHECK_ASAN) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>

namespace facecheck::gallery {
namespace {

// Version 2: the nodes hold byte codes (byte_codes.h), not float vectors.
constexpr const char* kSnapshotFormat = "facecheck-hnsw 2";

// Distances between byte codes. hnswlib's own spaces take float vectors and
// pick SSE only when the whole program is built for it; this one picks its
// kernel when the CPU is known.
class Space : public hnswlib::SpaceInterface<float> {
 public:
  explicit Space(size_t dim) : dim_(dim) {}
  size_t get_data_size() override { return detail::code_bytes(dim_); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return detail::code_distance(); }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
};

// A code of one vector, made where it is needed (the query of a search,
// one template being added).
class Code {
 public:
  Code(const float* vector, size_t dim) : bytes_(detail::code_bytes(dim)) {
    detail::encode(vector, dim, bytes_.data());
  }
  const void* data() const { return bytes_.data(); }

 private:
  std::vector<unsigned char> bytes_;
};

hnswlib::labeltype label_of(int64_t template_id) {
  return static_cast<hnswlib::labeltype>(template_id);
}

std::string checksum_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SnapshotError("cannot read " + file.string());
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash_final(&state, digest, sizeof digest);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// The label stored in a snapshot file at `at`: save() checks with it that it
// knows where hnswlib put the nodes before it overwrites anything.
hnswlib::labeltype label_at(int fd, off_t at) {
  hnswlib::labeltype label = ~hnswlib::labeltype{0};
  if (::pread(fd, &label, sizeof label, at) != ssize_t(sizeof label)) return ~label;
  return label;
}

std::filesystem::path sum_file_of(const std::filesystem::path& file) {
  return file.string() + ".sum";
}

// What the checksum file says: format, shape and the graph file's digest.
std::string describe(size_t dim, size_t links, const std::string& digest) {
  std::ostringstream out;
  out << kSnapshotFormat << " dim " << dim << " links " << links << " blake2b " << digest << '\n';
  return out.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SnapshotError("no snapshot at " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

struct HnswIndex::Graph {
  explicit Graph(size_t dim) : space(dim) {}
  Space space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

HnswIndex::HnswIndex(size_t dimension, IndexParams params, size_t capacity)
    : dim_(dimension), params_(params), graph_(std::make_unique<Graph>(dimension)) {
  if (dimension == 0) throw std::invalid_argument("index dimension must be positive");
  if (params.links < 2 || params.search_candidates == 0)
    throw std::invalid_argument("index needs at least 2 links and 1 search candidate");
  graph_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      &graph_->space, std::max<size_t>(capacity, 16), params.links, params.build_candidates);
  graph_->hnsw->setEf(params.search_candidates);
}

HnswIndex::HnswIndex(size_t dimension, IndexParams params, std::unique_ptr<Graph> graph)
    : dim_(dimension), params_(params), graph_(std::move(graph)) {
  graph_->hnsw->setEf(params.search_candidates);
}

HnswIndex::~HnswIndex() = default;

void HnswIndex::grow_if_full(size_t extra) {
  auto& h = *graph_->hnsw;
  if (h.cur_element_count + extra <= h.max_elements_) return;
  // A quarter more at a time: resizing copies the whole graph, and doubling
  // a million-template index would hold 6 GB at the peak.
  const size_t grown = h.max_elements_ + std::max<size_t>(h.max_elements_ / 4, 1024);
  h.resizeIndex(std::max(grown, h.cur_element_count + extra));
}

void HnswIndex::add(int64_t template_id, const float* vector) {
  if (!graph_->hnsw->label_lookup_.count(label_of(template_id))) grow_if_full(1);
  graph_->hnsw->addPoint(Code(vector, dim_).data(), label_of(template_id));
}

void HnswIndex::add_all(const int64_t* template_ids, const float* vectors, size_t count,
                        unsigned threads, const std::function<void(size_t, size_t)>& progress) {
  grow_if_full(count);
  std::atomic<size_t> next{0}, done{0};
  const auto work = [&](bool reporter) {
    for (size_t i; (i = next.fetch_add(1)) < count;) {
      graph_->hnsw->addPoint(Code(vectors + i * dim_, dim_).data(), label_of(template_ids[i]));
      const size_t finished = done.fetch_add(1) + 1;
      if (reporter && progress && finished % 4096 == 0) progress(finished, count);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(threads, 1u); ++t) pool.emplace_back(work, false);
  work(true);
  for (auto& t : pool) t.join();
  if (progress) progress(count, count);
}

void HnswIndex::remove(int64_t template_id) {
  auto& h = *graph_->hnsw;
  const auto it = h.label_lookup_.find(label_of(template_id));
  if (it != h.label_lookup_.end() && !h.isMarkedDeleted(it->second)) h.markDelete(it->first);
}

bool HnswIndex::contains(int64_t template_id) const {
  const auto& h = *graph_->hnsw;
  const auto it = h.label_lookup_.find(label_of(template_id));
  return it != h.label_lookup_.end() && !h.isMarkedDeleted(it->second);
}

std::vector<int64_t> HnswIndex::nearest(const float* query, size_t n) const {
  auto found = graph_->hnsw->searchKnn(Code(query, dim_).data(), n);
  std::vector<int64_t> ids(found.size());
  // The queue pops farthest first.
  for (size_t i = ids.size(); i-- > 0; found.pop()) ids[i] = int64_t(found.top().second);
  return ids;
}

void HnswIndex::set_search_candidates(size_t n) {
  params_.search_candidates = n;
  graph_->hnsw->setEf(n);
}

size_t HnswIndex::size() const { return graph_->hnsw->cur_element_count - removed(); }
size_t HnswIndex::removed() const { return graph_->hnsw->num_deleted_; }

// hnswlib writes each node as [links | code | label]. The codes are
// overwritten with zeros before the file is checksummed and renamed into
// place, so the snapshot holds no biometric data.
void HnswIndex::save(const std::filesystem::path& file) const {
  auto& h = *graph_->hnsw;  // saveIndex is not const, but only reads
  const std::filesystem::path tmp = file.string() + ".tmp";
  h.saveIndex(tmp.string());  // reports no error itself: a failed open shows below
  const auto fail = [&](const std::string& why) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error("cannot save index snapshot " + file.string() + ": " + why);
  };
  const int fd = ::open(tmp.c_str(), O_RDWR);
  if (fd < 0) fail(std::strerror(errno));
  // The header is the 13 fields saveIndex writes before the nodes: ten
  // size_t, the top level (int), the entry point and the level factor.
  const off_t header =
      10 * sizeof(size_t) + sizeof(int) + sizeof(hnswlib::tableint) + sizeof(double);
  if (h.cur_element_count > 0 &&
      label_at(fd, header + off_t(h.label_offset_)) != h.getExternalLabel(0)) {
    ::close(fd);
    fail("hnswlib wrote a layout this code does not know");
  }
  const std::vector<char> zeros(h.data_size_, 0);
  bool ok = true;
  for (size_t i = 0; ok && i < h.cur_element_count; ++i) {
    const off_t at = header + off_t(i * h.size_data_per_element_ + h.offsetData_);
    ok = ::pwrite(fd, zeros.data(), zeros.size(), at) == ssize_t(zeros.size());
  }
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) fail("write failed");
  const std::filesystem::path sum_tmp = sum_file_of(file).string() + ".tmp";
  write_text(sum_tmp, describe(dim_, params_.links, checksum_of(tmp)));
  std::filesystem::rename(tmp, file);
  std::filesystem::rename(sum_tmp, sum_file_of(file));
}

std::unique_ptr<HnswIndex> HnswIndex::load(const std::filesystem::path& file, size_t dimension,
                                           IndexParams params,
                                           const std::function<const float*(int64_t)>& vector_of) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  const std::string sum = read_text(sum_file_of(file));
  if (!std::filesystem::exists(file)) throw SnapshotError("no snapshot at " + file.string());
  // Checked before hnswlib parses a byte: it trusts the file it reads.
  if (sum != describe(dimension, params.links, checksum_of(file)))
    throw SnapshotError("snapshot " + file.string() + " is damaged or of other parameters");

  auto graph = std::make_unique<Graph>(dimension);
  graph->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(&graph->space);
  auto& h = *graph->hnsw;
  // The space-only constructor initialises nothing; loadIndex assumes these.
  h.num_deleted_ = 0;
  h.cur_element_count = 0;
  h.data_level0_memory_ = nullptr;
  h.linkLists_ = nullptr;
  h.visited_list_pool_ = nullptr;
  try {
    h.loadIndex(file.string(), &graph->space);
  } catch (const std::exception& e) {
    h.cur_element_count = 0;  // so the destructor frees only what exists
    throw SnapshotError("snapshot " + file.string() + ": " + e.what());
  }
  if (h.data_size_ != detail::code_bytes(dimension) || h.M_ != params.links)
    throw SnapshotError("snapshot " + file.string() + " is of other parameters");
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    const auto id = static_cast<int64_t>(h.getExternalLabel(hnswlib::tableint(i)));
    const float* v = vector_of(id);
    const auto node = hnswlib::tableint(i);
    if (v) {
      detail::encode(v, dimension, h.getDataByInternalId(node));
      if (h.isMarkedDeleted(node)) h.unmarkDeletedInternal(node);
    } else if (!h.isMarkedDeleted(node)) {
      h.markDeletedInternal(node);  // deleted since the snapshot
    }
  }
  return std::unique_ptr<HnswIndex>(new HnswIndex(dimension, params, std::move(graph)));
}

}  // namespace facecheck::gallery
