// A saved model on a data set (`mlpscope eval`, and Python's evaluate): the data takes the
// model's transform, the network is rebuilt in the model's dtype, and evaluate() measures
// loss, accuracy and accuracy per class. A data set of another width is a SettingError
// naming `data_setting`.
#pragma once

#include <string>

#include "data/dataset.h"
#include "io/model.h"
#include "train/evaluate.h"

namespace mlpscope {

Evaluation evaluate_model(const Model& model, Dataset& data,
                          const std::string& data_setting = "data");

}  // namespace mlpscope
