#include "hw/modules/vcd_writer.hpp"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

namespace fusesim {

namespace {

constexpr size_t kChunk = 1 << 20; // written to the file in pieces of this size
// Room kept below the cap for the note that says where the trace was cut.
constexpr uint64_t kNoteRoom = 160;

std::string errno_text() {
    return std::strerror(errno);
}

// Identifier codes: base 94 over the printable characters '!' … '~'.
std::string code_of(size_t index) {
    std::string code;
    do {
        code += static_cast<char>('!' + index % 94);
        index /= 94;
    } while (index > 0);
    return code;
}

} // namespace

VcdWriter::VcdWriter(std::string path, uint64_t max_bytes, double clock_hz, uint64_t interval)
    : path_(std::move(path)), max_bytes_(max_bytes), time_(clock_hz),
      interval_(std::max<uint64_t>(interval, 1)) {
    // A fresh name beside the final one, created exclusively: an existing file or a symlink
    // planted under that name makes open fail instead of being followed.
    for (unsigned attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        temp_ = path_ + ".part-" + std::to_string(getpid()) + "-" + std::to_string(attempt);
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd_ < 0 && errno != EEXIST)
            throw std::runtime_error("cannot create " + temp_ + ": " + errno_text());
    }
    if (fd_ < 0) throw std::runtime_error("cannot create a new file beside " + path_);
}

VcdWriter::~VcdWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!finished_) ::unlink(temp_.c_str());
}

int VcdWriter::add(const std::string& name, int width, Aggregate aggregate) {
    if (started_) throw std::logic_error("VCD signals are declared before the first change");
    Signal s;
    s.name = name;
    s.code = code_of(signals_.size());
    s.width = width;
    s.aggregate = aggregate;
    signals_.push_back(s);
    return static_cast<int>(signals_.size() - 1);
}

void VcdWriter::append_value(std::string& out, const Signal& s, uint64_t value) const {
    if (s.width == 1) {
        out += value ? '1' : '0';
    } else {
        out += 'b';
        int top = 63;
        while (top > 0 && !((value >> top) & 1)) --top;
        for (int b = top; b >= 0; --b) out += ((value >> b) & 1) ? '1' : '0';
        out += ' ';
    }
    out += s.code;
    out += '\n';
}

// The signals' dotted names as nested scopes (a scope per module, in order of first
// appearance), each signal declared in its module's scope under its last name part.
void VcdWriter::append_scopes(std::string& out) const {
    struct Scope {
        std::string name;
        std::vector<size_t> vars;
        std::vector<size_t> children;
        std::map<std::string, size_t> index;
    };
    std::vector<Scope> scopes(1);
    std::vector<std::string> leaf(signals_.size());
    for (size_t i = 0; i < signals_.size(); ++i) {
        const std::string& name = signals_[i].name;
        size_t at = 0, from = 0;
        for (size_t dot; (dot = name.find('.', from)) != std::string::npos; from = dot + 1) {
            const std::string part = name.substr(from, dot - from);
            auto it = scopes[at].index.find(part);
            if (it == scopes[at].index.end()) {
                scopes.push_back({part, {}, {}, {}});
                it = scopes[at].index.emplace(part, scopes.size() - 1).first;
                scopes[at].children.push_back(scopes.size() - 1);
            }
            at = it->second;
        }
        leaf[i] = name.substr(from);
        scopes[at].vars.push_back(i);
    }
    // Depth first, without recursion: (scope, next child) on a stack.
    auto vars = [&](const Scope& sc) {
        for (size_t i : sc.vars)
            out += "$var wire " + std::to_string(signals_[i].width) + " " + signals_[i].code + " " +
                   leaf[i] + " $end\n";
    };
    vars(scopes[0]);
    std::vector<std::pair<size_t, size_t>> stack{{0, 0}};
    while (!stack.empty()) {
        auto& [at, next] = stack.back();
        if (next == scopes[at].children.size()) {
            stack.pop_back();
            if (!stack.empty()) out += "$upscope $end\n";
            continue;
        }
        const size_t child = scopes[at].children[next++];
        out += "$scope module " + scopes[child].name + " $end\n";
        vars(scopes[child]);
        stack.emplace_back(child, 0);
    }
}

void VcdWriter::start() {
    // No $date: the same input gives the same file.
    buffer_ += "$version fusesim $end\n$comment " + time_.describe() +
               (interval_ > 1 ? "; one step per interval of " + std::to_string(interval_) +
                                    " cycles (peak values; op: the last operator)"
                              : std::string()) +
               " $end\n$timescale " + time_.unit() + " $end\n";
    append_scopes(buffer_);
    buffer_ += "$enddefinitions $end\n#0\n$dumpvars\n";
    // The values at cycle 0 (after the changes made at 0) are the initial ones.
    const bool at_zero = pending_ == 0;
    for (auto& s : signals_) {
        const uint64_t v = at_zero && s.dirty ? s.step : 0;
        append_value(buffer_, s, v);
        s.shown = v;
    }
    buffer_ += "$end\n";
    started_ = true;
    if (at_zero) settle();
    drain(false);
}

void VcdWriter::flush_step() {
    if (!started_) {
        const bool at_zero = pending_ == 0;
        start();
        if (at_zero) return; // written as the initial values (and any carry is pending)
    }
    if (dirty_.empty() || truncated_) return;
    std::string step = "#" + std::to_string(time_.ticks(pending_)) + "\n";
    const size_t header = step.size();
    for (int id : dirty_) {
        const Signal& s = signals_[static_cast<size_t>(id)];
        if (s.step != s.shown) append_value(step, s, s.step);
    }
    if (step.size() > header) { // else every change was undone within the step
        // The cap counts bytes, so where the trace is cut depends on the simulation alone.
        if (bytes() + step.size() + kNoteRoom > max_bytes_) {
            truncated_ = true;
            cut_cycle_ = pending_;
            buffer_ += "$comment trace cut at cycle " + std::to_string(pending_) +
                       ": the file reached its size limit (simulation.vcd_limit) $end\n";
            drain(true);
            return;
        }
        buffer_ += step;
        last_step_ = pending_;
    }
    settle();
    drain(false);
}

void VcdWriter::settle() {
    std::vector<int> carried;
    for (int id : dirty_) {
        Signal& s = signals_[static_cast<size_t>(id)];
        s.dirty = false;
        s.shown = s.step;
        if (s.value != s.step) carried.push_back(id); // intervals only: shown the peak
    }
    dirty_.clear();
    if (carried.empty()) return;
    pending_ += interval_;
    for (int id : carried) {
        Signal& s = signals_[static_cast<size_t>(id)];
        s.dirty = true;
        s.step = s.value;
        dirty_.push_back(id);
    }
}

void VcdWriter::set(int id, uint64_t value, uint64_t cycle) {
    if (truncated_) return;
    cycle = cycle / interval_ * interval_; // the start of its interval
    while (cycle != pending_ && !dirty_.empty() && !truncated_) flush_step();
    if (truncated_) return;
    pending_ = cycle;
    Signal& s = signals_[static_cast<size_t>(id)];
    const uint64_t before = s.dirty ? s.step : s.value;
    if (interval_ == 1)
        s.step = value;
    else if (s.aggregate == Aggregate::Peak)
        s.step = std::max(before, value);
    else
        s.step = value != 0 ? value : before;
    s.value = value;
    if (!s.dirty) {
        s.dirty = true;
        dirty_.push_back(id);
    }
}

void VcdWriter::drain(bool all) {
    if (buffer_.size() < kChunk && !all) return;
    size_t off = 0;
    while (off < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot write " + temp_ + ": " + errno_text());
        off += static_cast<size_t>(n);
    }
    written_ += buffer_.size();
    buffer_.clear();
}

void VcdWriter::finish(uint64_t end_cycle) {
    flush_step();
    // What the last interval carried over is shown at the end, not past it.
    if (!dirty_.empty() && !truncated_) {
        if (pending_ > end_cycle) pending_ = std::max(end_cycle, last_step_ + 1);
        flush_step();
    }
    if (!truncated_ && end_cycle > last_step_)
        buffer_ += "#" + std::to_string(time_.ticks(end_cycle)) + "\n";
    drain(true);
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw std::runtime_error("cannot write " + temp_ + ": " + errno_text());
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error("cannot rename " + temp_ + " to " + path_ + ": " + errno_text());
    finished_ = true;
}

} // namespace fusesim
