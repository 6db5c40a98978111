#include "sim/report/table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace fusesim {

namespace {
bool looks_numeric(const std::string& s) {
    if (s.empty()) return false;
    const char c = s[0];
    return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
}
} // namespace

std::string Table::text() const {
    std::vector<size_t> width(header_.size(), 0);
    auto widen = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], r[i].size());
    };
    widen(header_);
    for (const auto& r : rows_) widen(r);
    std::string out;
    auto line = [&](const std::vector<std::string>& r, bool head) {
        std::string l;
        for (size_t i = 0; i < width.size(); ++i) {
            const std::string cell = i < r.size() ? r[i] : "";
            const std::string pad(width[i] - cell.size(), ' ');
            l += (i ? "  " : "") + (!head && looks_numeric(cell) ? pad + cell : cell + pad);
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    line(header_, true);
    size_t total = 0;
    for (size_t w : width) total += w;
    out += std::string(total + 2 * (width.size() - 1), '-') + "\n";
    for (const auto& r : rows_) line(r, false);
    return out;
}

std::string csv_escape(const std::string& cell) {
    if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
    std::string out = "\"";
    for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

namespace {

// Parses the row that starts at `i`; on return `i` is past its newline. False if the row is torn:
// a quoted cell whose quote never closes (or closes in the middle of a cell), or text that ends
// before the row's newline. Reading then goes on after the first newline that follows the tear.
bool parse_row(const std::string& text, size_t& i, std::vector<std::string>& row) {
    const size_t n = text.size();
    auto resync = [&](size_t from) {
        const size_t nl = text.find('\n', from);
        i = nl == std::string::npos ? n : nl + 1;
        return false;
    };
    std::string cell;
    while (true) {
        if (i < n && text[i] == '"') { // a quoted cell: "" is a quote, the cell ends at a quote
            const size_t open = i++;
            while (true) {
                if (i >= n) return resync(open);
                if (text[i] == '"') {
                    if (i + 1 < n && text[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += text[i++];
            }
            while (i < n && text[i] == '\r') ++i;
            if (i < n && text[i] != ',' && text[i] != '\n') return resync(open);
        } else {
            while (i < n && text[i] != ',' && text[i] != '\n') {
                if (text[i] != '\r') cell += text[i];
                ++i;
            }
        }
        if (i >= n) return false; // no newline: the row may have been cut anywhere
        row.push_back(cell);
        cell.clear();
        if (text[i++] == '\n') return true;
    }
}

} // namespace

CsvRows parse_csv(const std::string& text) {
    CsvRows out;
    size_t i = 0;
    while (i < text.size()) {
        std::vector<std::string> row;
        if (parse_row(text, i, row))
            out.rows.push_back(std::move(row));
        else
            ++out.torn;
    }
    return out;
}

std::vector<std::vector<std::string>> read_csv_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_csv(text).rows;
}

std::string Table::csv() const {
    std::string out;
    auto line = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_escape(r[i]);
        out += "\n";
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    return out;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string sci(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string exact(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string seconds_text(double s) {
    if (s >= 1.0) return fixed(s, 3) + " s";
    if (s >= 1e-3) return fixed(s * 1e3, 3) + " ms";
    return fixed(s * 1e6, 3) + " us";
}

} // namespace fusesim
