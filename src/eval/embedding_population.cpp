#include "eval/embedding_population.h"

#include <cmath>
#include <opencv2/core.hpp>
#include <stdexcept>

namespace facecheck::eval {
namespace {

// Cholesky factor of a symmetric positive definite matrix (row-major, n x n);
// throws when the matrix is not positive definite.
std::vector<double> cholesky(const std::vector<double>& a, size_t n) {
  std::vector<double> l(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= i; ++j) {
      double sum = a[i * n + j];
      for (size_t k = 0; k < j; ++k) sum -= l[i * n + k] * l[j * n + k];
      if (i == j) {
        if (!(sum > 0)) throw std::invalid_argument("covariance is not positive definite");
        l[i * n + i] = std::sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  return l;
}

}  // namespace

EmbeddingPopulation::EmbeddingPopulation(const std::vector<vision::Embedding>& samples,
                                         double shrinkage)
    : dim_(samples.empty() ? 0 : samples.front().size()) {
  if (samples.size() < 2 || dim_ == 0)
    throw std::invalid_argument("fitting a population needs at least 2 embeddings");
  if (!(shrinkage >= 0 && shrinkage <= 1)) throw std::invalid_argument("shrinkage is 0..1");
  mean_.assign(dim_, 0.0);
  for (const auto& s : samples) {
    if (s.size() != dim_) throw std::invalid_argument("embeddings of different dimensions");
    for (size_t i = 0; i < dim_; ++i) mean_[i] += s[i];
  }
  for (double& m : mean_) m /= double(samples.size());

  std::vector<double> cov(dim_ * dim_, 0.0);
  std::vector<double> centred(dim_);
  for (const auto& s : samples) {
    for (size_t i = 0; i < dim_; ++i) centred[i] = s[i] - mean_[i];
    for (size_t i = 0; i < dim_; ++i)
      for (size_t j = 0; j <= i; ++j) cov[i * dim_ + j] += centred[i] * centred[j];
  }
  double trace = 0;
  for (size_t i = 0; i < dim_; ++i) trace += cov[i * dim_ + i];
  const double n = double(samples.size() - 1);
  const double mean_variance = trace / n / double(dim_);
  for (size_t i = 0; i < dim_; ++i) {
    for (size_t j = 0; j <= i; ++j) {
      double c = (1 - shrinkage) * cov[i * dim_ + j] / n;
      if (i == j) c += shrinkage * mean_variance;
      cov[i * dim_ + j] = cov[j * dim_ + i] = c;
    }
  }
  const std::vector<double> l = cholesky(cov, dim_);
  cholesky_.assign(l.begin(), l.end());
}

// x = mean + L z with z standard normal, then scaled to unit length. The
// products run as one matrix product per batch (cv::gemm), which makes a
// million 512-d draws take seconds rather than minutes.
std::vector<float> EmbeddingPopulation::draw(size_t count, uint64_t seed) const {
  std::vector<float> out(count * dim_);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  const int n = static_cast<int>(dim_);
  const cv::Mat l(n, n, CV_32F, const_cast<float*>(cholesky_.data()));
  constexpr size_t kBatch = 4096;
  cv::Mat z, x;
  for (size_t first = 0; first < count; first += kBatch) {
    const size_t rows = std::min(kBatch, count - first);
    z.create(int(rows), int(dim_), CV_32F);
    for (size_t i = 0; i < rows * dim_; ++i) z.ptr<float>()[i] = normal(rng);
    cv::gemm(z, l, 1.0, cv::noArray(), 0.0, x, cv::GEMM_2_T);  // rows of z times L^T
    for (size_t r = 0; r < rows; ++r) {
      float* dst = out.data() + (first + r) * dim_;
      const float* src = x.ptr<float>(int(r));
      double norm2 = 0;
      for (size_t i = 0; i < dim_; ++i) {
        dst[i] = src[i] + float(mean_[i]);
        norm2 += double(dst[i]) * dst[i];
      }
      const float scale = norm2 > 0 ? float(1.0 / std::sqrt(norm2)) : 0.f;
      for (size_t i = 0; i < dim_; ++i) dst[i] *= scale;
    }
  }
  return out;
}

}  // namespace facecheck::eval
