#pragma once
// Engine errors: every failure the user can cause (bad files, bad arguments,
// out of memory) is reported as a moe::Error carrying a message in words.
// Nothing in the engine aborts the process; the CLI prints the message and
// exits non-zero, the GUI shows it.
#include <stdexcept>
#include <string>

namespace moe {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace moe
