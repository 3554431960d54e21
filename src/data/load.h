// Data specs (--data, --test) to data sets. The loaders themselves live one per file:
// idx.h (MNIST layout, raw or .gz), csv.h, npz_data.h, synthetic.h.
//
//   fashion-mnist            /usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist)
//   mnist:DIR                train-images-idx3-ubyte[.gz] and friends in DIR
//   idx:IMAGES[,LABELS]      LABELS defaults to IMAGES with "images-idx3" → "labels-idx1"
//   csv:PATH[,label=NAME][,classes=K]   header row; the label is the last column unless named
//   npz:FILE[,x=NAME,y=NAME]  numpy's np.savez: X (n, d), y (n,) labels or (n, k) one-hot
//   spiral|circles|xor|moons|gaussians[:n=N,noise=S,classes=K,seed=S]
//
// Test splits:
//   fashion-mnist, mnist:DIR  the t10k-* files (60000 training and 10000 test images for
//                             (Fashion-)MNIST). In mnist:DIR the test split is optional: it is
//                             loaded when t10k-images-idx3-ubyte[.gz] exists in DIR. File
//                             names may also use a dot, as some mirrors do
//                             (train-images.idx3-ubyte).
//   idx:, csv:, npz:          none (an .npz holds whatever arrays its writer chose; a test set
//                             is a second archive, given as --test npz:OTHER).
//   synthetic                 an independent draw of the same distribution with the same n,
//                             noise and classes and seed + 1000003.
// Names: "fashion-mnist (train)" / "fashion-mnist (test)", likewise "mnist:DIR (…)";
// synthetic "spiral(n=400,noise=0.1,classes=2,seed=0) (train)" / "… (test)" (the test split
// keeps the training seed in its name); idx:, csv: and npz: sets are named by their spec.
// Where both splits are loaded, both get the larger of their two class counts, so that a
// test split that happens to lack the highest class still fits the training set's network.
//
// Synthetic options: n ≥ 1 (default 400), noise ≥ 0 (default per set, see synthetic.h),
// classes ≥ 2 (spiral and gaussians only, default 2), seed ≥ 0 (default 0). Unknown or
// repeated keys, malformed numbers and out-of-range values are errors naming the spec and
// the key; so is an unknown kind, with the list of valid ones. Every returned data set has
// passed Dataset::validate().
#pragma once

#include <optional>
#include <string>

#include "data/dataset.h"

namespace mlpscope {

struct DataPair {
  Dataset train;
  std::optional<Dataset> test;  // the spec's own test split, where it has one
};

// Loads the training set named by `spec` and, where the spec has one, its test split.
DataPair load_data(const std::string& spec);
// Loads one data set for evaluation or as --test: the spec's test split if it has one
// and `prefer_test`, else its training set. Only the split returned is read.
Dataset load_dataset(const std::string& spec, bool prefer_test);

}  // namespace mlpscope
