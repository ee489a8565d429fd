#pragma once
// Scoring a text longer than the context: the tokens are cut into windows
// of the context's length, each scored from an empty context (as the demo
// model's card evaluates its held-out text), and the windows come back as
// one score run: every position's NLL, the perplexity over all of them and
// the routing trace of every token in order (positions restart per window).
#include "run/runner.h"

namespace moe {

// Like Runner::score, for any length of at least 2 tokens; on_logits sees
// position i of the whole text. A text that fits the context is one window,
// exactly Runner::score. The last window keeps at least 2 tokens (a shorter
// tail is left out and not scored). Runner::cancel() stops it within one
// batch: the record then says cancelled and holds what was scored before.
// Throws moe::Error.
RunOutcome score_chunked(Runner& runner, const ScoreRequest& request, const RunCallbacks& callbacks = {});

} // namespace moe
