#include "cpu/rope_scaled.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace moe::cpu {

namespace {

// The dimension pair index at which a wavelength fits `beta` times into the
// original context (YaRN paper, eq. for d(r)).
double yarn_corr_dim(int n_rot, int orig_ctx, double beta, double base) {
    return n_rot * std::log(double(orig_ctx) / (beta * 2.0 * std::numbers::pi)) / (2.0 * std::log(base));
}

} // namespace

void rope_freqs(const ModelConfig& c, float* out) {
    const int half = c.n_rot / 2;
    const double base = c.rope_freq_base;
    const bool yarn = c.yarn_factor > 1.0f;
    double low = 0.0, high = 0.0;
    if (yarn) {
        low = std::max(0.0, std::floor(yarn_corr_dim(c.n_rot, c.yarn_orig_ctx, c.yarn_beta_fast, base)));
        high
            = std::min(double(c.n_rot - 1), std::ceil(yarn_corr_dim(c.n_rot, c.yarn_orig_ctx, c.yarn_beta_slow, base)));
    }
    for (int i = 0; i < half; ++i) {
        double f = std::pow(base, -2.0 * i / double(c.n_rot));
        if (yarn) {
            // extrapolate (keep f) below `low`, interpolate (f / s) above `high`
            const double y = (double(i) - low) / std::max(0.001, high - low);
            const double keep = 1.0 - std::clamp(y, 0.0, 1.0);
            f = f * (keep + (1.0 - keep) / double(c.yarn_factor));
        }
        out[i] = float(f);
    }
}

void rope_rows(float* x, int n, size_t ld, int n_heads, size_t head_stride, int n_rot, const float* inv_freq, int pos0,
    bool neox) {
    const int half = n_rot / 2;
    for (int t = 0; t < n; ++t) {
        const float pos = float(pos0 + t);
        for (int h = 0; h < n_heads; ++h) {
            float* v = x + size_t(t) * ld + size_t(h) * head_stride;
            for (int i = 0; i < half; ++i) {
                const float theta = pos * inv_freq[i];
                const float cs = std::cos(theta), sn = std::sin(theta);
                const int a = neox ? i : 2 * i;
                const int b = neox ? i + half : 2 * i + 1;
                const float x0 = v[a], x1 = v[b];
                v[a] = x0 * cs - x1 * sn;
                v[b] = x0 * sn + x1 * cs;
            }
        }
    }
}

} // namespace moe::cpu
