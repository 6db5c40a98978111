#include "sim/table.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

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
