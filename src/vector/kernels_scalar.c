/*
 * kernels_scalar.c — the portable kernels: plain C, any CPU, the reference the SIMD tables are
 * tested against.
 *
 * Reductions keep four independent partial sums (elements i ≡ 0..3 mod 4), which halves the
 * dependency chain for the compiler and keeps the rounding error inside the bound vector.h
 * promises (each partial sum adds n/4 terms).  No FMA is used: the result is the same on
 * every machine for a given build.
 */
#include "vector/kernels_internal.h"

#include <math.h>

static float scalar_l2_squared(const float *a, const float *b, size_t n)
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1];
        float d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; i < n; i++) {
        float d = a[i] - b[i];
        s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
}

static float scalar_inner_product(const float *a, const float *b, size_t n)
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static float scalar_neg_inner_product(const float *a, const float *b, size_t n)
{
    return -scalar_inner_product(a, b, n);
}

static float scalar_one_minus_dot(const float *a, const float *b, size_t n)
{
    return 1.0f - scalar_inner_product(a, b, n);
}

static float scalar_norm_squared(const float *a, size_t n)
{
    return scalar_inner_product(a, a, n);
}

static float scalar_cosine_distance(const float *a, const float *b, size_t n)
{
    float dot0 = 0, dot1 = 0, na0 = 0, na1 = 0, nb0 = 0, nb1 = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        dot0 += a[i] * b[i];
        dot1 += a[i + 1] * b[i + 1];
        na0 += a[i] * a[i];
        na1 += a[i + 1] * a[i + 1];
        nb0 += b[i] * b[i];
        nb1 += b[i + 1] * b[i + 1];
    }
    if (i < n) {
        dot0 += a[i] * b[i];
        na0 += a[i] * a[i];
        nb0 += b[i] * b[i];
    }
    return vector_cosine_from_sums(dot0 + dot1, na0 + na1, nb0 + nb1);
}

static float scalar_l1(const float *a, const float *b, size_t n)
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += fabsf(a[i] - b[i]);
        s1 += fabsf(a[i + 1] - b[i + 1]);
        s2 += fabsf(a[i + 2] - b[i + 2]);
        s3 += fabsf(a[i + 3] - b[i + 3]);
    }
    for (; i < n; i++)
        s0 += fabsf(a[i] - b[i]);
    return (s0 + s1) + (s2 + s3);
}

static void scalar_divide(float *out, const float *a, float d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i] / d;
}

/* isfinite() on each result; the loops stay branch-free so the compiler may vectorise them. */
#define SCALAR_ELEMENTWISE(name, op)                                                  \
    static bool name(float *out, const float *a, const float *b, size_t n)           \
    {                                                                                 \
        int bad = 0;                                                                  \
        for (size_t i = 0; i < n; i++) {                                              \
            float r = a[i] op b[i];                                                   \
            out[i] = r;                                                               \
            bad |= !isfinite(r);                                                      \
        }                                                                             \
        return !bad;                                                                  \
    }

SCALAR_ELEMENTWISE(scalar_add, +)
SCALAR_ELEMENTWISE(scalar_sub, -)
SCALAR_ELEMENTWISE(scalar_mul, *)

const vector_kernels vector_kernels_scalar = {
    .isa = VECTOR_ISA_SCALAR,
    .name = "scalar",
    .l2_squared = scalar_l2_squared,
    .inner_product = scalar_inner_product,
    .neg_inner_product = scalar_neg_inner_product,
    .one_minus_dot = scalar_one_minus_dot,
    .cosine_distance = scalar_cosine_distance,
    .l1 = scalar_l1,
    .norm_squared = scalar_norm_squared,
    .divide = scalar_divide,
    .add = scalar_add,
    .sub = scalar_sub,
    .mul = scalar_mul,
};
