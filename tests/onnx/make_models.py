#!/usr/bin/python3
"""Writes the ONNX models fusesim's tests and configs import (Debian's python3-onnx).

Usage: /usr/bin/python3 tests/onnx/make_models.py OUTDIR [NAME ...]

Models (small sizes; the same bytes on every run):
  mamba1.onnx          a Mamba-1 block: d_model 64, d_inner 128, d_state 16, d_conv 4, dt_rank 4,
                       with the selective scan as the custom op fusesim.SelectiveScan
  opt.onnx             an OPT decoder layer: d_model 64, 4 heads of 16, ffn 256
  bad-unsupported.onnx a graph with an LSTM node (not imported)
  bad-dynamic.onnx     a graph whose input has an axis with neither a size nor a name
Symbolic axes: `b` (batch) and `l` (sequence length), bound in the workload's `dims:`.
Axis names (ranks) are set with the `denotation` of each dimension in value_info.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

F = TensorProto.FLOAT


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.infos = [], [], []

    def weight(self, name, shape):
        # Weights only need their shape: zeros keep the files small and identical on every run.
        self.inits.append(helper.make_tensor(name, F, shape, np.zeros(shape, np.float32).ravel()))
        return name

    def ints(self, name, values):
        self.inits.append(helper.make_tensor(name, TensorProto.INT64, [len(values)], values))
        return name

    def scalar(self, name, value):
        self.inits.append(helper.make_tensor(name, F, [], [value]))
        return name

    def node(self, op, inputs, outputs, name, domain=None, **attrs):
        n = helper.make_node(op, inputs, outputs, name=name, **attrs)
        if domain:
            n.domain = domain
        self.nodes.append(n)
        return outputs[0] if len(outputs) == 1 else outputs

    def ranks(self, tensor, names, shape):
        """value_info for `tensor`: its shape and the name (denotation) of every axis."""
        vi = helper.make_tensor_value_info(tensor, F, shape)
        for dim, rank in zip(vi.type.tensor_type.shape.dim, names):
            dim.denotation = rank
        self.infos.append(vi)

    def model(self, name, inputs, outputs, domains=()):
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits, value_info=self.infos)
        opsets = [helper.make_opsetid("", 17)] + [helper.make_opsetid(d, 1) for d in domains]
        m = helper.make_model(g, opset_imports=opsets, producer_name="fusesim-tests")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def io(name, shape, ranks):
    vi = helper.make_tensor_value_info(name, F, shape)
    for dim, rank in zip(vi.type.tensor_type.shape.dim, ranks):
        if rank:
            dim.denotation = rank
    return vi


def silu(g, x, name, out):
    s = g.node("Sigmoid", [x], [name + "_sig"], name + "_sigmoid")
    return g.node("Mul", [x, s], [out], name)


def mamba1(M=64, D=128, N=16, K=4, R=4):
    """The operators of workloads/models/mamba1.cpp, prefill, in its order."""
    g = Graph()
    L, B = "l", "b"
    # RMSNorm, written out: Pow, ReduceMean, Add eps, Sqrt, Reciprocal, Mul x, Mul gain.
    sq = g.node("Pow", ["u", g.scalar("two", 2.0)], ["norm_pow"], "norm_pow")
    ms = g.node("ReduceMean", [sq], ["norm_ms"], "norm_mean", axes=[-1], keepdims=1)
    ve = g.node("Add", [ms, g.scalar("eps", 1e-5)], ["norm_var"], "norm_eps")
    rt = g.node("Sqrt", [ve], ["norm_rt"], "norm_sqrt")
    inv = g.node("Reciprocal", [rt], ["norm_inv"], "norm_inv")
    nx = g.node("Mul", ["u", inv], ["norm_x"], "norm_mulx")
    un = g.node("Mul", [nx, g.weight("norm_g", [M])], ["un"], "norm")
    xz = g.node("MatMul", [un, g.weight("w_in", [M, 2 * D])], ["xz"], "in_proj")
    g.ranks("xz", ["b", "l", "e"], [B, L, 2 * D])
    xi, z = g.node("Split", [xz, g.ints("split_xz", [D, D])], ["xi", "z"], "split_xz", axis=-1)
    g.ranks("xi", ["b", "l", "d"], [B, L, D])
    g.ranks("z", ["b", "l", "d"], [B, L, D])
    # Causal depthwise convolution over the sequence, channels first as ONNX's Conv wants.
    xt = g.node("Transpose", [xi], ["xi_t"], "conv_in", perm=[0, 2, 1])
    wc = g.weight("w_conv", [D, 1, K])
    g.ranks("w_conv", ["d", "", "k"], [D, 1, K])
    xc = g.node("Conv", [xt, wc, g.weight("b_conv", [D])], ["xc"], "conv", group=D,
                kernel_shape=[K], pads=[K - 1, 0])
    xcb = g.node("Transpose", [xc], ["xcb"], "conv_out", perm=[0, 2, 1])
    xs = silu(g, xcb, "conv_silu", "xs")
    dbc = g.node("MatMul", [xs, g.weight("w_x", [D, R + 2 * N])], ["dbc"], "x_proj")
    g.ranks("dbc", ["b", "l", "j"], [B, L, R + 2 * N])
    dt, bm, cm = g.node("Split", [dbc, g.ints("split_dbc", [R, N, N])], ["dt", "Bm", "Cm"],
                        "split_dbc", axis=-1)
    g.ranks("dt", ["b", "l", "r"], [B, L, R])
    g.ranks("Bm", ["b", "l", "n"], [B, L, N])
    g.ranks("Cm", ["b", "l", "n"], [B, L, N])
    dtp = g.node("MatMul", [dt, g.weight("w_dt", [R, D])], ["dtp"], "dt_proj")
    g.ranks("dtp", ["b", "l", "d"], [B, L, D])
    dtb = g.node("Add", [dtp, g.weight("b_dt", [D])], ["dtb"], "dt_bias")
    delta = g.node("Softplus", [dtb], ["delta"], "softplus")
    y = g.node("SelectiveScan", [xs, delta, g.weight("A", [D, N]), bm, cm], ["y"], "scan",
               domain="fusesim")
    g.ranks("y", ["b", "l", "d"], [B, L, D])
    yd = g.node("Mul", [xs, g.weight("Dskip", [D])], ["yD"], "skip_mul")
    ys = g.node("Add", [y, yd], ["ys"], "skip_add")
    zs = silu(g, z, "gate_silu", "zs")
    yg = g.node("Mul", [ys, zs], ["yg"], "gate_mul")
    o = g.node("MatMul", [yg, g.weight("w_out", [D, M])], ["o"], "out_proj")
    g.ranks("o", ["b", "l", "m"], [B, L, M])
    g.node("Add", [o, "u"], ["out"], "residual")
    return g.model("mamba1", [io("u", [B, L, M], ["", "", "m"])],
                   [io("out", [B, L, M], ["", "", "m"])], domains=["fusesim"])


def opt(M=64, H=4, E=16, FF=256):
    """The operators of workloads/models/opt.cpp, prefill, in its order."""
    g = Graph()
    L, B = "l", "b"
    xn = g.node("LayerNormalization", ["x", g.weight("ln1_g", [M])], ["xn"], "ln1", axis=-1)
    qkv = []
    for p in "qkv":
        t = g.node("MatMul", [xn, g.weight("w" + p, [M, H * E])], [p], p + "_proj")
        g.ranks(p, ["b", "l", "o"], [B, L, H * E])
        qkv.append(t)
    # Heads: Reshape then Transpose; keys and values take the sequence axis as `t`.
    heads = []
    for p, t in zip("qkv", qkv):
        r = g.node("Reshape", [t, g.ints(p + "_shape", [0, 0, H, E])], [p + "h"], p + "_heads")
        g.ranks(p + "h", ["b", "l" if p == "q" else "t", "h", "e"], [B, L, H, E])
        heads.append(g.node("Transpose", [r], [p + "h_t"], p + "_perm", perm=[0, 2, 1, 3]))
    kt = g.node("Transpose", [heads[1]], ["kt"], "k_t", perm=[0, 1, 3, 2])
    s = g.node("MatMul", [heads[0], kt], ["s"], "scores")
    pr = g.node("Softmax", [s], ["pr"], "softmax", axis=-1)
    c = g.node("MatMul", [pr, heads[2]], ["c"], "context")
    ct = g.node("Transpose", [c], ["ct"], "merge_perm", perm=[0, 2, 1, 3])
    cm = g.node("Reshape", [ct, g.ints("merge_shape", [0, 0, H * E])], ["cm"], "merge_heads")
    g.ranks("cm", ["b", "l", "o"], [B, L, H * E])
    ao = g.node("MatMul", [cm, g.weight("wo", [H * E, M])], ["ao"], "o_proj")
    g.ranks("ao", ["b", "l", "m"], [B, L, M])
    x2 = g.node("Add", [ao, "x"], ["x2"], "residual1")
    x2n = g.node("LayerNormalization", [x2, g.weight("ln2_g", [M])], ["x2n"], "ln2", axis=-1)
    f1 = g.node("MatMul", [x2n, g.weight("w1", [M, FF])], ["f1"], "fc1")
    g.ranks("f1", ["b", "l", "f"], [B, L, FF])
    f1r = g.node("Relu", [f1], ["f1r"], "relu")
    f2 = g.node("MatMul", [f1r, g.weight("w2", [FF, M])], ["f2"], "fc2")
    g.ranks("f2", ["b", "l", "m"], [B, L, M])
    g.node("Add", [f2, x2], ["out"], "residual2")
    return g.model("opt", [io("x", [B, L, M], ["", "", "m"])], [io("out", [B, L, M], ["", "", "m"])])


def bad_unsupported():
    g = Graph()
    g.node("LSTM", ["x", g.weight("W", [1, 64, 16]), g.weight("R", [1, 64, 16])], ["y"],
           "encoder_lstm", hidden_size=16)
    return g.model("bad", [io("x", ["l", "b", 64], ["", "", "m"])],
                   [helper.make_tensor_value_info("y", F, ["l", "b", 16])])


def bad_dynamic():
    g = Graph()
    g.node("MatMul", ["x", g.weight("w", [16, 16])], ["y"], "proj")
    x = helper.make_tensor_value_info("x", F, ["b", "l", 16])
    x.type.tensor_type.shape.dim[1].Clear()  # an axis with neither a size nor a name
    return g.model("bad", [x], [helper.make_tensor_value_info("y", F, ["b", "l", 16])])


MODELS = {"mamba1": mamba1, "opt": opt, "bad-unsupported": bad_unsupported,
          "bad-dynamic": bad_dynamic}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or MODELS:
        model = MODELS[name]()
        tmp = os.path.join(out, "." + name + ".onnx.tmp")
        onnx.save(model, tmp)
        os.replace(tmp, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
