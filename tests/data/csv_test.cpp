#include "data/csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class CsvTest : public testing::TempDirTest {
 protected:
  std::string write(const std::string& text, const std::string& name = "data.csv") const {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The message of the Error that loading `text` throws ("" when none).
  std::string error_of(const std::string& text, const CsvOptions& options = {}) const {
    return testing::error_of([&] { load_csv(write(text), options); });
  }
};

TEST_F(CsvTest, IntegerLabelsInTheLastColumn) {
  const std::string path = write("x1,x2,label\n1.5,-2,0\n3,4e-1,2\n0,0,1\n");
  const Dataset data = load_csv(path);
  EXPECT_EQ(data.name, path);
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.size(), 3);
  EXPECT_EQ(data.num_classes, 3);
  EXPECT_FALSE(data.is_bytes());
  EXPECT_EQ(data.values, (std::vector<double>{1.5, -2, 3, 0.4, 0, 0}));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 2, 1}));
  EXPECT_TRUE(data.class_names.empty());
}

TEST_F(CsvTest, SingleIntegerClassStillGivesTwoClasses) {
  EXPECT_EQ(load_csv(write("a,y\n1,0\n2,0\n")).num_classes, 2);
}

TEST_F(CsvTest, StringLabelsMapToSortedClasses) {
  const Dataset data =
      load_csv(write("a,b,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n"
                     "7,8,setosa\n"));
  EXPECT_EQ(data.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{2, 0, 1, 0}));
  EXPECT_EQ(data.num_classes, 3);
}

TEST_F(CsvTest, LabelColumnByName) {
  CsvOptions options;
  options.label_column = "y";
  const Dataset data = load_csv(write("a,y,b\n1,1,2\n3,0,4\n"), options);
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.values, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{1, 0}));
}

TEST_F(CsvTest, ClassesFixesTheClassCount) {
  CsvOptions options;
  options.classes = 5;
  EXPECT_EQ(load_csv(write("a,y\n1,0\n2,1\n"), options).num_classes, 5);
  const std::string message = error_of("a,y\n1,0\n2,1\n3,5\n", options);
  EXPECT_MESSAGE_HAS(message, "data.csv line 4");
  EXPECT_MESSAGE_HAS(message, "label 5");
  EXPECT_MESSAGE_HAS(message, "classes=5");
  options.classes = 2;
  EXPECT_MESSAGE_HAS(error_of("a,y\n1,cat\n2,dog\n3,emu\n", options), "line 4");
}

TEST_F(CsvTest, ToleratesCrlfSpacesQuotesBomAndTrailingEmptyLine) {
  const Dataset data =
      load_csv(write("\xEF\xBB\xBF x , \"the label\" \r\n 1.25 , \"a,b\" \r\n\"2\",c\r\n\r\n"));
  EXPECT_EQ(data.values, (std::vector<double>{1.25, 2}));
  EXPECT_EQ(data.class_names, (std::vector<std::string>{"a,b", "c"}));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 1}));
}

TEST_F(CsvTest, RaggedRowNamesTheLine) {
  const std::string message = error_of("a,b,y\n1,2,0\n1,2\n");
  EXPECT_MESSAGE_HAS(message, "data.csv line 3");
  EXPECT_MESSAGE_HAS(message, "2 columns, but the header (line 1) has 3");
}

TEST_F(CsvTest, NonNumberNamesLineAndColumn) {
  const std::string message = error_of("a,b,y\n1,2,0\n1,oops,1\n");
  EXPECT_MESSAGE_HAS(message, "data.csv line 3, column 2 ('b')");
  EXPECT_MESSAGE_HAS(message, "'oops' is not a number");
  EXPECT_MESSAGE_HAS(error_of("a,y\n,1\n"), "line 2, column 1 ('a')");
}

TEST_F(CsvTest, NanAndInfAreRejected) {
  EXPECT_MESSAGE_HAS(error_of("a,y\n1,0\nnan,1\n"), "line 3, column 1 ('a'): 'nan'");
  EXPECT_MESSAGE_HAS(error_of("a,y\n-inf,0\n"), "line 2, column 1 ('a'): '-inf'");
  EXPECT_MESSAGE_HAS(error_of("a,y\n1e999,0\n"), "not a finite number");
}

TEST_F(CsvTest, NegativeLabelNamesTheLine) {
  const std::string message = error_of("a,y\n1,0\n2,-1\n");
  EXPECT_MESSAGE_HAS(message, "line 3");
  EXPECT_MESSAGE_HAS(message, "label -1 is negative");
}

TEST_F(CsvTest, EmptyLabelNamesTheLine) {
  EXPECT_MESSAGE_HAS(error_of("a,y\n1,0\n2,\n"), "line 3, column 2 ('y'): the label is empty");
}

TEST_F(CsvTest, UnknownLabelColumnListsTheHeader) {
  CsvOptions options;
  options.label_column = "target";
  const std::string message = error_of("a,b,y\n1,2,0\n", options);
  EXPECT_MESSAGE_HAS(message, "no column named 'target'");
  EXPECT_MESSAGE_HAS(message, "'a', 'b', 'y'");
}

TEST_F(CsvTest, EmptyFileAndHeaderWithoutRows) {
  EXPECT_MESSAGE_HAS(error_of(""), "data.csv: the file is empty");
  EXPECT_MESSAGE_HAS(error_of("\n \r\n"), "the file is empty");
  EXPECT_MESSAGE_HAS(error_of("a,b,y\n"), "header at line 1 but no data rows");
  EXPECT_MESSAGE_HAS(error_of("y\n1\n"), "at least one feature column");
}

TEST_F(CsvTest, MissingFileAndUnclosedQuote) {
  const std::string missing = (dir_ / "absent.csv").string();
  try {
    load_csv(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_MESSAGE_HAS(std::string(e.what()), missing + ": no such file");
  }
  EXPECT_MESSAGE_HAS(error_of("a,y\n\"1,0\n"), "line 2: a quoted field is not closed");
}

}  // namespace
}  // namespace mlpscope
