// The default check-in threshold, chosen for the size of the event.
//
// A stranger at the kiosk is compared with every template of the event and
// gets in if any of them is nearer than the threshold. With p(T) the chance
// that one comparison of two different people lands below T, a gallery of N
// templates lets a stranger in with probability
//
//     FPIR_N(T) = 1 - (1 - p(T))^N
//
// so a threshold that is safe for 50 attendees lets ~20x as many strangers
// in at 1,000. Instead of one fixed number, the default is the largest T that
// keeps FPIR_N(T) at the target (1%) for the event's current gallery, read
// off p(T) as measured by `facecheck eval-identify --checkin-pipeline` on
// LFW for each recognition model (its card's pair_fmr table,
// vision/recognizer_model.cpp; docs/identification.md). Treating comparisons as independent
// over-predicts FPIR on measured galleries, so the result errs strict.
#pragma once

#include <cstddef>

#include "vision/recognizer_model.h"

namespace facecheck::checkin {

// The stranger acceptance rate the default threshold aims at: half of the
// 1% promised, because the estimate is not conservative for small events.
// With ArcFace at a 1% aim, 300 random 50-person events drawn from the
// benchmark let in 1.03% of strangers on average (eval-identify
// --event-sizes; docs/identification.md); aiming at 0.5% keeps the promise
// with room for data unlike LFW, and costs about one photo in a hundred.
inline constexpr double kDefaultTargetFpir = 0.005;

// Per-pair false match rate p(T) of the check-in pipeline: p at `threshold`,
// interpolated log-linearly between the measured points.
double checkin_pair_fmr(float threshold, const vision::RecognizerModel& model);

// The largest threshold whose FPIR for a gallery of `templates` templates is
// at most `target_fpir`, never above the 1:1 verification threshold (which is
// what a one-person gallery would get). An empty gallery gets that ceiling
// too; it matches nobody anyway.
float open_set_threshold(size_t templates, const vision::RecognizerModel& model,
                         double target_fpir = kDefaultTargetFpir);

}  // namespace facecheck::checkin
