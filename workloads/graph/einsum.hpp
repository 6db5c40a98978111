// Parser for the Einsum notation used by model builders and by `kind: custom` workloads:
//   y[b,l,d] += x[b,l,k] * w[k,d]           (a reduction over k: kind mac by default)
//   xc[l,d] += x[l+k-3,d] * w[d,k]           (affine indices: sliding windows, offsets)
//   z[l,d] = xz[l,d+5120]                    (a plain copy of a slice: a view)
//   a[l,d] = exp(b[l,d])                     (a function: kind from its name)
//   p[h,l,t] = softmax(s[h,l,:])             (':' takes the whole axis)
//   m[l,h*80+e] = c[h,l,e]                   (coefficients: reshape)
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fusesim {

struct EinsumTerm {
    std::string dim; // empty for a pure constant
    int64_t coef = 1;
};

struct EinsumAxis {
    std::vector<EinsumTerm> terms;
    int64_t offset = 0;
    bool whole = false; // ':'
};

struct EinsumRef {
    std::string tensor;
    std::vector<EinsumAxis> axes;
};

struct ParsedEinsum {
    EinsumRef output;
    bool accumulate = false; // '+=': loop dims absent from the output are reduced over
    std::vector<EinsumRef> inputs;
    std::string function; // "exp(...)" → "exp"; empty when none
    char combine = 0;     // '*', '+', '-', '/' between inputs; 0 for one input
    std::vector<std::string> dims_in_order() const; // loop dims, first appearance order
};

// Throws EinsumError with the character position of the problem.
class EinsumError : public std::runtime_error {
  public:
    EinsumError(const std::string& message, size_t position)
        : std::runtime_error(message), position_(position) {}
    size_t position() const { return position_; }

  private:
    size_t position_;
};

ParsedEinsum parse_einsum(const std::string& text);

} // namespace fusesim
