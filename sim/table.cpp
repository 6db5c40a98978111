#include "sim/table.hpp"

#include <algorithm>
#include <cctype>
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

std::vector<std::vector<std::string>> read_csv_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::vector<std::string>> rows;
    if (!in) return rows;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = any = true;
        } else if (c == ',') {
            row.push_back(cell);
            cell.clear();
        } else if (c == '\n') {
            row.push_back(cell);
            rows.push_back(row);
            row.clear();
            cell.clear();
            any = false;
        } else if (c != '\r') {
            cell += c;
            any = true;
        }
    }
    if (any || !cell.empty() || !row.empty()) { // a last line without its newline: incomplete
        row.push_back(cell);
        rows.push_back(row);
    }
    return rows;
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

std::string seconds_text(double s) {
    if (s >= 1.0) return fixed(s, 3) + " s";
    if (s >= 1e-3) return fixed(s * 1e3, 3) + " ms";
    return fixed(s * 1e6, 3) + " us";
}

} // namespace fusesim
