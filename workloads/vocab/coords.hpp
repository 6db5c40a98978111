// A short fixed-capacity vector of coordinates (loop dims, tensor axes): boxes and extents are
// built for every tile and dependency, so they must not allocate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <vector>

namespace fusesim {

class Coords {
  public:
    static constexpr size_t kCapacity = 8; // no operator has more loop dims or tensor axes

    Coords() = default;
    explicit Coords(size_t n, int64_t value = 0) { assign(n, value); }
    Coords(std::initializer_list<int64_t> values) {
        for (int64_t v : values) push_back(v);
    }
    explicit Coords(const std::vector<int64_t>& values) {
        for (int64_t v : values) push_back(v);
    }

    size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    void push_back(int64_t v) {
        if (n_ == kCapacity) throw std::length_error("more than 8 dimensions");
        v_[n_++] = v;
    }
    void assign(size_t n, int64_t value) {
        if (n > kCapacity) throw std::length_error("more than 8 dimensions");
        n_ = n;
        std::fill(v_, v_ + n, value);
    }
    void resize(size_t n) { assign(n, 0); }
    int64_t& operator[](size_t i) { return v_[i]; }
    int64_t operator[](size_t i) const { return v_[i]; }
    int64_t back() const { return v_[n_ - 1]; }
    const int64_t* begin() const { return v_; }
    const int64_t* end() const { return v_ + n_; }
    int64_t* begin() { return v_; }
    int64_t* end() { return v_ + n_; }
    bool operator==(const Coords& o) const {
        return n_ == o.n_ && std::equal(begin(), end(), o.begin());
    }
    bool operator==(const std::vector<int64_t>& o) const {
        return n_ == o.size() && std::equal(begin(), end(), o.begin());
    }
    bool operator<(const Coords& o) const {
        return std::lexicographical_compare(begin(), end(), o.begin(), o.end());
    }

  private:
    int64_t v_[kCapacity] = {};
    size_t n_ = 0;
};

} // namespace fusesim
