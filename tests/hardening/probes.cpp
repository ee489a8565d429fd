#include "hardening/probes.h"

#include "model/synth.h"

#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace probes {

void write_tiny_model(const std::string& path, const std::string& arch, uint32_t quant, uint64_t seed) {
    moe::SynthOptions o;
    o.arch = arch;
    o.quant = quant;
    o.seed = seed;
    moe::write_synthetic_model(o, path);
}

void rewrite(const std::string& in, const std::string& out, const std::function<void(moe::GgufWriter&)>& edit) {
    using T = moe::GgufValueType;
    const moe::GgufFile f = moe::GgufFile::open(in);
    moe::GgufWriter w(f.version(), f.alignment());
    for (const moe::GgufKV& kv : f.kvs()) {
        if (kv.key == "general.alignment") continue;
        switch (kv.type) {
        case T::UINT32:
            w.set_uint32(kv.key, uint32_t(kv.u));
            break;
        case T::INT32:
            w.set_int32(kv.key, int32_t(kv.i));
            break;
        case T::UINT64:
            w.set_uint64(kv.key, kv.u);
            break;
        case T::FLOAT32:
            w.set_float32(kv.key, float(kv.f));
            break;
        case T::BOOL:
            w.set_bool(kv.key, kv.b);
            break;
        case T::STRING:
            w.set_string(kv.key, std::string(kv.str));
            break;
        case T::ARRAY:
            if (kv.arr_type == T::STRING) {
                w.set_string_array(kv.key, std::vector<std::string>(kv.arr_strings.begin(), kv.arr_strings.end()));
            } else if (kv.arr_type == T::INT32) {
                std::vector<int32_t> v(kv.arr_n);
                std::memcpy(v.data(), kv.arr_data, v.size() * 4);
                w.set_int32_array(kv.key, v);
            } else if (kv.arr_type == T::FLOAT32) {
                std::vector<float> v(kv.arr_n);
                std::memcpy(v.data(), kv.arr_data, v.size() * 4);
                w.set_float32_array(kv.key, v);
            } else {
                throw std::runtime_error("probes::rewrite: unhandled array type of " + kv.key);
            }
            break;
        default:
            throw std::runtime_error("probes::rewrite: unhandled type of " + kv.key);
        }
    }
    for (const moe::GgufTensorInfo& t : f.tensors()) {
        const uint8_t* data = t.data;
        w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne, t.ne + t.n_dims),
            [data](uint8_t* dst, size_t n) { std::memcpy(dst, data, n); });
    }
    if (edit) edit(w);
    w.write(out);
}

uint64_t tensor_offset(const std::string& path, const std::string& tensor) {
    const moe::GgufFile f = moe::GgufFile::open(path);
    const moe::GgufTensorInfo* t = f.find_tensor(tensor);
    if (!t) throw std::runtime_error("probes: no tensor " + tensor);
    return f.data_offset() + t->offset;
}

void patch(const std::string& path, uint64_t offset, const void* bytes, size_t n) {
    std::fstream fs(path, std::ios::in | std::ios::out | std::ios::binary);
    fs.seekp(std::streamoff(offset));
    fs.write(static_cast<const char*>(bytes), std::streamsize(n));
    if (!fs) throw std::runtime_error("probes: cannot patch " + path);
}

void write_zstd_zeros(const std::string& path, uint64_t n) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("probes: cannot create " + path);
    ZSTD_CStream* cs = ZSTD_createCStream();
    ZSTD_initCStream(cs, 19);
    std::vector<char> zeros(1 << 20, 0), out(ZSTD_CStreamOutSize());
    for (uint64_t done = 0; done < n;) {
        const size_t chunk = size_t(std::min<uint64_t>(zeros.size(), n - done));
        ZSTD_inBuffer ib { zeros.data(), chunk, 0 };
        while (ib.pos < ib.size) {
            ZSTD_outBuffer ob { out.data(), out.size(), 0 };
            ZSTD_compressStream(cs, &ob, &ib);
            std::fwrite(out.data(), 1, ob.pos, f);
        }
        done += chunk;
    }
    for (size_t left = 1; left != 0;) {
        ZSTD_outBuffer ob { out.data(), out.size(), 0 };
        left = ZSTD_endStream(cs, &ob);
        std::fwrite(out.data(), 1, ob.pos, f);
    }
    ZSTD_freeCStream(cs);
    std::fclose(f);
}

ChildResult run(const std::vector<std::string>& argv, double timeout_s) {
    ChildResult r;
    char tmpl[] = "/tmp/probe-out-XXXXXX";
    const int out_fd = mkstemp(tmpl);
    unlink(tmpl);
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(out_fd, 2);
        std::vector<char*> args;
        for (const std::string& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    struct rusage ru { };
    for (;;) {
        const pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid) break;
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (el > timeout_s) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &ru);
            break;
        }
        usleep(2000);
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.max_rss_kib = ru.ru_maxrss;
    lseek(out_fd, 0, SEEK_SET);
    char buf[4096];
    for (ssize_t n; (n = read(out_fd, buf, sizeof buf)) > 0;)
        r.output.append(buf, size_t(n));
    close(out_fd);
    return r;
}

} // namespace probes
