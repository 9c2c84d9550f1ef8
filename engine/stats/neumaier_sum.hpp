// Compensated (Neumaier) summation: a sum whose error does not grow with the count.
#pragma once

#include <cmath>

namespace funnelsim::engine {

/// Kahan-Babuska-Neumaier running sum. The rounding error of every addition is captured
/// exactly in a second accumulator, so the result is accurate to about one rounding of the
/// true sum however many terms are added and whatever their order of magnitude (1e16 + 1 -
/// 1e16 gives 1, not 0). Adding the same terms in the same order always gives the same bits:
/// callers that add in replication order get results independent of thread count.
/// It relies on strict IEEE evaluation: never compile it with -ffast-math.
///
/// Tested through tests/engine/summary_test.cpp.
class NeumaierSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    // Whichever operand is smaller in magnitude lost its low bits in t; recover them.
    if (std::fabs(sum_) >= std::fabs(x))
      compensation_ += (sum_ - t) + x;
    else
      compensation_ += (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace funnelsim::engine
