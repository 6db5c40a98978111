// Plain-text tables (terminal summaries) and CSV rows, from the same cells.
#pragma once

#include <string>
#include <vector>

namespace fusesim {

class Table {
  public:
    explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    // Columns padded to their widest cell; text left-aligned, numbers right-aligned.
    std::string text() const;
    std::string csv() const;

  private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

std::string csv_escape(const std::string& cell);
// CSV text parsed into rows (quoted cells allowed, "" for a quote, newlines inside quotes). A row
// that cannot be whole is torn and left out (counted): the last line without its newline (a full
// disk or a kill leaves that), or a quote that never closes or closes inside a cell. Reading goes
// on at the next line, so a torn row never takes the rows after it.
struct CsvRows {
    std::vector<std::vector<std::string>> rows;
    size_t torn = 0;
};
CsvRows parse_csv(const std::string& text);
// The whole rows of a CSV file; an absent file is an empty table.
std::vector<std::vector<std::string>> read_csv_file(const std::string& path);
// Fixed formatting helpers so that output is byte-identical across runs.
std::string fixed(double v, int decimals);
std::string sci(double v, int digits = 4); // %.{digits}g
// The shortest text that reads back as exactly `v` (std::to_chars): the form of every float
// in a CSV file, so that no digit a reader could use is rounded away.
std::string exact(double v);
std::string seconds_text(double s); // "12.3 ms", "1.234 s", "456 us"

} // namespace fusesim
