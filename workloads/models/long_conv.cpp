#include "workloads/models/long_conv.hpp"
#include "workloads/graph/staged.hpp"

namespace fusesim::model_parts {

namespace {

// The FFT's loop nest beyond its channels: butterfly positions × real ops over all stages.
void add_transform(WorkloadBuilder& b, const std::string& name, const std::string& einsum,
                   const FftCounts& fft, bool inverse) {
    Operator& op = b.add(name, einsum, "long_conv", "fft");
    op.staged = fft.staged(inverse);
    b.repeat("fft_pos", fft.positions);
    b.repeat("fft_ops", fft.ops_per_position);
}

} // namespace

void add_long_conv(WorkloadBuilder& b, Workload& w, const LongConv& c) {
    const int64_t n = 2 * c.seq_len;
    const FftCounts fft = fft_counts(n, c.radix);
    const std::string U = c.prefix + "_U", Y = c.prefix + "_Y";
    b.declare(U, TensorRole::Activation, {c.batch, n, c.channels});
    add_transform(b, c.prefix + "_fft", U + "[b,:,d] += " + c.input + "[b,:,d]", fft, false);
    b.pair_output();
    // The product with the filter's spectrum: a complex multiply is 4 mul + 2 add.
    b.declare(c.filter, TensorRole::Weight);
    b.add(c.prefix + "_filter", Y + "[b,f,d] = " + U + "[b,f,d] * " + c.filter + "[f,d]",
          "long_conv");
    b.repeat("cmul_ops", 6);
    b.pair_output();
    const int h = w.tensor_index(c.filter);
    w.tensors[static_cast<size_t>(h)].bytes_per_element = 2 * w.precision.bytes;
    b.declare(c.output, TensorRole::Activation, {c.batch, c.seq_len, c.channels});
    add_transform(b, c.prefix + "_ifft", c.output + "[b,:,d] += " + Y + "[b,:,d]", fft, true);
}

} // namespace fusesim::model_parts
