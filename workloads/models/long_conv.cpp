#include "workloads/models/long_conv.hpp"
#include "workloads/graph/staged.hpp"

namespace fusesim::model_parts {

namespace {

std::string num(int64_t v) {
    return std::to_string(v);
}

// The FFT's loop nest beyond its channels: butterfly positions × real ops over all stages.
void add_transform(WorkloadBuilder& b, const std::string& name, const std::string& einsum,
                   const FftCounts& fft, bool inverse) {
    Operator& op = b.add(name, einsum, "long_conv", "fft");
    op.staged = fft.staged(inverse);
    b.repeat("fft_pos", fft.positions);
    b.repeat("fft_ops", fft.ops_per_position);
}

// A complex product, 4 mul + 2 add per element: the filter's spectrum or the twiddles.
void add_complex_product(WorkloadBuilder& b, const std::string& name, const std::string& einsum) {
    b.add(name, einsum, "long_conv", "mul");
    b.repeat("cmul_ops", 6);
    b.pair_output();
}

// The complex weight read by the product `name` (2 × the bytes of a real element).
void make_complex(Workload& w, const std::string& tensor) {
    w.tensors[static_cast<size_t>(w.tensor_index(tensor))].bytes_per_element =
        2 * w.precision.bytes;
}

// One transform per channel, as the operators <prefix>_fft, <prefix>_filter, <prefix>_ifft.
void add_direct(WorkloadBuilder& b, Workload& w, const LongConv& c, int64_t n) {
    const FftCounts fft = fft_counts(n, c.radix);
    const std::string U = c.prefix + "_U", Y = c.prefix + "_Y";
    b.declare(U, TensorRole::Activation, {c.batch, n, c.channels});
    add_transform(b, c.prefix + "_fft", U + "[b,:,d] += " + c.input + "[b,:,d]", fft, false);
    b.pair_output();
    b.declare(c.filter, TensorRole::Weight);
    add_complex_product(b, c.prefix + "_filter",
                        Y + "[b,f,d] = " + U + "[b,f,d] * " + c.filter + "[f,d]");
    make_complex(w, c.filter);
    b.declare(c.output, TensorRole::Activation, {c.batch, c.seq_len, c.channels});
    add_transform(b, c.prefix + "_ifft", c.output + "[b,:,d] += " + Y + "[b,:,d]", fft, true);
}

// The four-step form (README "Hyena and parallel scans"), n = n1·n2, time index
// j = n2·j1 + j2 and frequency k = k1 + n1·k2:
//   X[k1 + n1·k2] = Σ_j2 ω_n2^(j2·k2) · ω_n^(j2·k1) · Σ_j1 x[n2·j1 + j2] · ω_n1^(j1·k1).
// Tensors [b, row, column, d]: rows fr (j1 or k1, n1), columns fc (j2 or k2, n2). The real
// input fills rows j1 < n1/2 (fh): j < L. The spectrum stays in [k1, k2] order, the filter's
// spectrum is stored in that order, and the inverse starts from it, so no transpose of a
// spectrum is needed. The columns of the real input and output are strided in l, so copies
// gather and scatter them (a view's tile would take the bounding box of the strided rows).
void add_four_step(WorkloadBuilder& b, Workload& w, const LongConv& c, int64_t n) {
    const FourStep s = four_step_split(n, c.max_points, c.radix);
    const FftCounts cols = fft_counts(s.n1, c.radix), rows = fft_counts(s.n2, c.radix);
    for (const auto& [dim, size] :
         {std::pair<const char*, int64_t>{"fh", s.n1 / 2}, {"fr", s.n1}, {"fc", s.n2}})
        b.dim(dim, size);
    const std::string p = c.prefix, stride = num(s.n2);
    const std::string X = p + "_xs", A = p + "_A", B = p + "_B", U = p + "_U", Y = p + "_Y",
                      D = p + "_D", E = p + "_E", Z = p + "_yk";
    const std::string tw = "twiddles_" + num(n); // ω_n^(j2·k1), one table for all transforms
    b.declare(tw, TensorRole::Weight);
    // Forward: gather the strided columns, n2 FFTs of n1 points, twiddles, n1 FFTs of n2 points.
    b.add(p + "_fft_gather", X + "[b,fh,fc,d] = " + c.input + "[b,fh*" + stride + "+fc,d]",
          "long_conv", "copy");
    b.declare(A, TensorRole::Activation, {c.batch, s.n1, s.n2, c.channels});
    add_transform(b, p + "_fft_cols", A + "[b,:,fc,d] += " + X + "[b,:,fc,d]", cols, false);
    b.pair_output();
    add_complex_product(b, p + "_fft_twiddle",
                        B + "[b,fr,fc,d] = " + A + "[b,fr,fc,d] * " + tw + "[fr,fc]");
    make_complex(w, tw);
    b.declare(U, TensorRole::Activation, {c.batch, s.n1, s.n2, c.channels});
    add_transform(b, p + "_fft_rows", U + "[b,fr,:,d] += " + B + "[b,fr,:,d]", rows, false);
    b.pair_output();
    // The product with H, stored as [k1, k2] like the spectrum.
    b.declare(c.filter, TensorRole::Weight);
    add_complex_product(b, p + "_filter",
                        Y + "[b,fr,fc,d] = " + U + "[b,fr,fc,d] * " + c.filter + "[fr,fc,d]");
    make_complex(w, c.filter);
    // Inverse: n1 iFFTs of n2 points, the conjugate twiddles (the same table), n2 iFFTs of n1
    // points writing only the rows j1 < n1/2 kept, copied to y[n2·j1 + j2].
    b.declare(D, TensorRole::Activation, {c.batch, s.n1, s.n2, c.channels});
    add_transform(b, p + "_ifft_rows", D + "[b,fr,:,d] += " + Y + "[b,fr,:,d]", rows, true);
    b.pair_output();
    add_complex_product(b, p + "_ifft_twiddle",
                        E + "[b,fr,fc,d] = " + D + "[b,fr,fc,d] * " + tw + "[fr,fc]");
    b.declare(Z, TensorRole::Activation, {c.batch, s.n1 / 2, s.n2, c.channels});
    add_transform(b, p + "_ifft_cols", Z + "[b,:,fc,d] += " + E + "[b,:,fc,d]", cols, true);
    // As a view, a reader's tile of y shorter than a row of n2 would take the bounding box of
    // its strided rows: the scatter copies them into y with its bytes counted, exact.
    b.add(p + "_ifft_scatter", c.output + "[b,fh*" + stride + "+fc,d] = " + Z + "[b,fh,fc,d]",
          "long_conv", "copy");
}

} // namespace

void add_long_conv(WorkloadBuilder& b, Workload& w, const LongConv& c) {
    const int64_t n = 2 * c.seq_len;
    if (c.max_points > 0 && n > c.max_points)
        add_four_step(b, w, c, n);
    else
        add_direct(b, w, c, n);
}

} // namespace fusesim::model_parts
