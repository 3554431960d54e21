// The data of the toy's report: the cobweb plot of one-dimensional gradient descent
// (toy/gd1d.h) for a few starts on either side of the basin boundary, and |x_k| by step.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "toy/gd1d.h"

namespace mlpscope {

// The starts drawn: with a boundary b (closed form, else found numerically) 0.5·b, −0.9·b,
// b itself (the 2-cycle x → −x), 1.03·b and −1.06·b, plus `x0` when it is none of them;
// without one, x0, −x0/2 and 2·x0.
std::vector<double> toy_report_starts(const PowerFunction& f, double lr, double x0);

// `steps` iterates per start at most; a path stops being drawn once |x| passes 10× the
// plotted range (the chart clips it there anyway).
nlohmann::json toy_report_data(const PowerFunction& f, double lr, double x0, int steps = 40);

}  // namespace mlpscope
