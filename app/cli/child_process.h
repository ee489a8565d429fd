#pragma once
// Running this executable again as a child process, with a deadline: what
// `moe-cli selftest` does per check, so a kernel fault or a hang in one
// check costs one row of the table and never the others.
#include <string>
#include <vector>

struct ChildResult {
    std::string out, err;
    int status = 0; // as waitpid reports it
    bool timed_out = false; // killed after the deadline
};

// Runs /proc/self/exe with `args`, collecting stdout and stderr; killed after timeout_s.
ChildResult run_child(const std::vector<std::string>& args, int timeout_s);
