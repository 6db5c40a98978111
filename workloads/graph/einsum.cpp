#include "workloads/graph/einsum.hpp"

#include <algorithm>
#include <cctype>

namespace fusesim {

namespace {

class Parser {
  public:
    explicit Parser(const std::string& text) : s_(text) {}

    ParsedEinsum parse() {
        ParsedEinsum e;
        e.output = ref();
        skip();
        if (peek() == '+') {
            ++pos_;
            e.accumulate = true;
        }
        expect('=');
        skip();
        // Optional function call around the inputs: name(ref ...).
        size_t save = pos_;
        std::string first = ident();
        skip();
        if (peek() == '(') {
            ++pos_;
            e.function = first;
            inputs(e);
            expect(')');
        } else {
            pos_ = save;
            inputs(e);
        }
        skip();
        if (pos_ != s_.size()) fail("unexpected text");
        return e;
    }

  private:
    const std::string& s_;
    size_t pos_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw EinsumError(what + " at column " + std::to_string(pos_ + 1) + " of '" + s_ + "'",
                          pos_);
    }
    void skip() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    char peek() {
        skip();
        return pos_ < s_.size() ? s_[pos_] : '\0';
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    std::string ident() {
        skip();
        size_t start = pos_;
        while (pos_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
            ++pos_;
        if (start == pos_ || std::isdigit(static_cast<unsigned char>(s_[start])))
            fail("expected a name");
        return s_.substr(start, pos_ - start);
    }
    static constexpr int64_t kMaxNumber = int64_t{1} << 30;
    int64_t number() {
        skip();
        size_t start = pos_;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (start == pos_) fail("expected a number");
        // Coefficients and offsets multiply dimension sizes (at most 2^24, kMaxDim): at most
        // 2^30 keeps a sum of 8 such terms inside int64, and an offset of a few dims possible.
        if (pos_ - start > 10 || std::stoll(s_.substr(start, pos_ - start)) > kMaxNumber) {
            pos_ = start;
            fail("a number above " + std::to_string(kMaxNumber));
        }
        return std::stoll(s_.substr(start, pos_ - start));
    }
    void inputs(ParsedEinsum& e) {
        e.inputs.push_back(ref());
        while (true) {
            char c = peek();
            if (c != '*' && c != '+' && c != '-' && c != '/') break;
            if (e.combine && e.combine != c) fail("mixed operators: write one operator per Einsum");
            e.combine = c;
            ++pos_;
            e.inputs.push_back(ref());
        }
    }
    EinsumRef ref() {
        EinsumRef r;
        r.tensor = ident();
        expect('[');
        if (peek() != ']') {
            r.axes.push_back(axis());
            while (peek() == ',') {
                ++pos_;
                if (r.axes.size() == 16) fail("more than 16 axes");
                r.axes.push_back(axis());
            }
        }
        expect(']');
        return r;
    }
    EinsumAxis axis() {
        EinsumAxis a;
        if (peek() == ':') {
            ++pos_;
            a.whole = true;
            return a;
        }
        int64_t sign = 1;
        if (peek() == '-') {
            ++pos_;
            sign = -1;
        }
        term(a, sign);
        for (int terms = 1; peek() == '+' || peek() == '-'; ++terms) {
            if (terms == 8) fail("more than 8 terms in one index");
            sign = s_[pos_] == '+' ? 1 : -1;
            ++pos_;
            term(a, sign);
        }
        return a;
    }
    void term(EinsumAxis& a, int64_t sign) {
        if (std::isdigit(static_cast<unsigned char>(peek()))) {
            int64_t n = number();
            if (peek() == '*') {
                ++pos_;
                a.terms.push_back({ident(), sign * n});
            } else {
                a.offset += sign * n;
            }
            return;
        }
        std::string d = ident();
        int64_t coef = 1;
        if (peek() == '*') {
            ++pos_;
            coef = number();
        }
        a.terms.push_back({d, sign * coef});
    }
};

} // namespace

std::vector<std::string> ParsedEinsum::dims_in_order() const {
    std::vector<std::string> dims;
    auto add = [&](const EinsumRef& r) {
        for (const auto& ax : r.axes)
            for (const auto& t : ax.terms)
                if (std::find(dims.begin(), dims.end(), t.dim) == dims.end()) dims.push_back(t.dim);
    };
    add(output);
    for (const auto& in : inputs) add(in);
    return dims;
}

ParsedEinsum parse_einsum(const std::string& text) {
    return Parser(text).parse();
}

} // namespace fusesim
