#include "run/recorder.h"

#include "error.h"
#include "store/export.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moe {

RunRecorder::RunRecorder(std::string store_path, RunStoreOptions options)
    : m_path(std::move(store_path))
    , m_options(options) {
}

RunRecorder::~RunRecorder() = default;

RunStore* RunRecorder::store() noexcept {
    if (m_store) return m_store.get();
    try {
        if (m_path.empty()) m_path = RunStore::default_path();
        m_store = std::make_unique<RunStore>(m_path, m_options);
        m_error.clear();
    } catch (const std::exception& e) {
        m_error = e.what();
    }
    return m_store.get();
}

RecordOutcome RunRecorder::record(const RunRecord& run) noexcept {
    RecordOutcome out;
    if (RunStore* s = store()) {
        try {
            out.id = s->save(run);
            out.store_path = m_path;
            return out;
        } catch (const std::exception& e) {
            m_error = e.what();
            m_store.reset(); // reopened next time: a lock may have gone
        }
    }
    out.store_path = m_path;
    out.error = m_error;
    try {
        out.kept_path = keep_run_as_json(run);
    } catch (const std::exception& e) {
        out.error += fmt::format("; it could not be kept as a file either: {}", e.what());
    }
    return out;
}

std::string unsaved_runs_dir() {
    namespace fs = std::filesystem;
    // the store's own folder, whatever --db says: the user's data directory
    const fs::path dir = fs::path(RunStore::default_path()).parent_path() / "unsaved";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    struct stat st { };
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
        throw Error(fmt::format("{} is not a folder of this user's: runs are not kept there", dir.string()));
    }
    ::chmod(dir.c_str(), 0700);
    return dir.string();
}

std::string keep_run_as_json(const RunRecord& rec) {
    const std::string dir = unsaved_runs_dir();
    std::string stamp = rec.created_at.empty() ? utc_now_iso8601() : rec.created_at;
    for (char& c : stamp) {
        if (c == ':') c = '-';
    }
    const std::string text = runs_to_json({ rec }).dump() + "\n";
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string file = attempt == 0 ? fmt::format("{}/run-{}-{}.json", dir, stamp, ::getpid())
                                              : fmt::format("{}/run-{}-{}-{}.json", dir, stamp, ::getpid(), attempt);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw Error(fmt::format("cannot create {}: {}", file, std::strerror(errno)));
        }
        size_t done = 0;
        int err = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                err = errno;
                break;
            }
            done += size_t(n);
        }
        if (err == 0 && ::fsync(fd) != 0) err = errno;
        ::close(fd);
        if (err != 0) {
            ::unlink(file.c_str());
            const bool full = err == ENOSPC || err == EFBIG || err == EDQUOT;
            throw Error(fmt::format("cannot write {}: {}", file, full ? "the disk is full" : std::strerror(err)));
        }
        return file;
    }
    throw Error(fmt::format("cannot create a new file in {}", dir));
}

} // namespace moe
