/*
 * kernels_avx2.c — AVX2 + FMA kernels, compiled for any x86-64 (function-level target
 * attributes) and only called after kernels.c has checked the CPU and OS support them.
 *
 * Reductions: four 8-lane accumulators over blocks of 32 floats (enough independent FMAs to
 * cover their latency), then 8-float steps, then one masked step for the last n % 8 elements
 * (maskload never touches memory past the end).  Each lane adds at most n/8 terms, inside the
 * error bound vector.h states.
 */
#include "vector/kernels_internal.h"

#if VECTOR_HAVE_X86
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Lanes 0..r-1 set, for 1 <= r <= 7. */
AVX2 static inline __m256i tail_mask(size_t r)
{
    static const int32_t bits[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(bits + 8 - r));
}

AVX2 static inline __m256 abs256(__m256 v)
{
    return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v);
}

/*
 * One reduction kernel per TERM(x, y, acc) (acc + term(x, y)); the body is written once so the
 * three kernels cannot drift apart.
 */
#define AVX2_REDUCTION(name, TERM)                                                       \
    AVX2 static float name(const float *a, const float *b, size_t n)                     \
    {                                                                                    \
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                      \
        size_t i = 0;                                                                    \
        for (; i + 32 <= n; i += 32) {                                                   \
            s0 = TERM(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);               \
            s1 = TERM(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);       \
            s2 = TERM(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);     \
            s3 = TERM(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);     \
        }                                                                                \
        for (; i + 8 <= n; i += 8)                                                       \
            s0 = TERM(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);               \
        if (i < n) {                                                                     \
            __m256i m = tail_mask(n - i);                                                \
            s1 = TERM(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m), s1);   \
        }                                                                                \
        return hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));     \
    }

#define TERM_L2(x, y, acc) \
    _mm256_fmadd_ps(_mm256_sub_ps(x, y), _mm256_sub_ps(x, y), acc)
#define TERM_DOT(x, y, acc) _mm256_fmadd_ps(x, y, acc)
#define TERM_L1(x, y, acc) _mm256_add_ps(acc, abs256(_mm256_sub_ps(x, y)))

AVX2_REDUCTION(avx2_l2_squared, TERM_L2)
AVX2_REDUCTION(avx2_inner_product, TERM_DOT)
AVX2_REDUCTION(avx2_l1, TERM_L1)

AVX2 static float avx2_neg_inner_product(const float *a, const float *b, size_t n)
{
    return -avx2_inner_product(a, b, n);
}

AVX2 static float avx2_one_minus_dot(const float *a, const float *b, size_t n)
{
    return 1.0f - avx2_inner_product(a, b, n);
}

AVX2 static float avx2_norm_squared(const float *a, size_t n)
{
    return avx2_inner_product(a, a, n);
}

AVX2 static float avx2_cosine_distance(const float *a, const float *b, size_t n)
{
    __m256 dot0 = _mm256_setzero_ps(), dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0,
           nb1 = dot0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_loadu_ps(a + i), y0 = _mm256_loadu_ps(b + i);
        __m256 x1 = _mm256_loadu_ps(a + i + 8), y1 = _mm256_loadu_ps(b + i + 8);
        dot0 = _mm256_fmadd_ps(x0, y0, dot0);
        dot1 = _mm256_fmadd_ps(x1, y1, dot1);
        na0 = _mm256_fmadd_ps(x0, x0, na0);
        na1 = _mm256_fmadd_ps(x1, x1, na1);
        nb0 = _mm256_fmadd_ps(y0, y0, nb0);
        nb1 = _mm256_fmadd_ps(y1, y1, nb1);
    }
    for (; i < n; i += 8) {
        __m256 x, y;
        if (i + 8 <= n) {
            x = _mm256_loadu_ps(a + i);
            y = _mm256_loadu_ps(b + i);
        } else {
            __m256i m = tail_mask(n - i);
            x = _mm256_maskload_ps(a + i, m);
            y = _mm256_maskload_ps(b + i, m);
        }
        dot0 = _mm256_fmadd_ps(x, y, dot0);
        na0 = _mm256_fmadd_ps(x, x, na0);
        nb0 = _mm256_fmadd_ps(y, y, nb0);
    }
    return vector_cosine_from_sums(hsum256(_mm256_add_ps(dot0, dot1)),
                                   hsum256(_mm256_add_ps(na0, na1)),
                                   hsum256(_mm256_add_ps(nb0, nb1)));
}

AVX2 static void avx2_divide(float *out, const float *a, float d, size_t n)
{
    __m256 dv = _mm256_set1_ps(d);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_div_ps(_mm256_loadu_ps(a + i), dv));
    for (; i < n; i++)
        out[i] = a[i] / d;
}

/* Element-wise: a lane is bad when |r| is not below +inf (infinite or NaN: unordered). */
#define AVX2_ELEMENTWISE(name, OP)                                                       \
    AVX2 static bool name(float *out, const float *a, const float *b, size_t n)          \
    {                                                                                    \
        const __m256 inf = _mm256_set1_ps(__builtin_inff());                             \
        __m256 bad = _mm256_setzero_ps();                                                \
        size_t i = 0;                                                                    \
        for (; i + 8 <= n; i += 8) {                                                     \
            __m256 r = OP(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));               \
            _mm256_storeu_ps(out + i, r);                                                \
            bad = _mm256_or_ps(bad, _mm256_cmp_ps(abs256(r), inf, _CMP_NLT_UQ));         \
        }                                                                                \
        if (i < n) {                                                                     \
            __m256i m = tail_mask(n - i);                                                \
            __m256 r = OP(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));   \
            _mm256_maskstore_ps(out + i, m, r);                                          \
            bad = _mm256_or_ps(bad, _mm256_cmp_ps(abs256(r), inf, _CMP_NLT_UQ));         \
        }                                                                                \
        return _mm256_movemask_ps(bad) == 0;                                             \
    }

AVX2_ELEMENTWISE(avx2_add, _mm256_add_ps)
AVX2_ELEMENTWISE(avx2_sub, _mm256_sub_ps)
AVX2_ELEMENTWISE(avx2_mul, _mm256_mul_ps)

const vector_kernels vector_kernels_avx2 = {
    .isa = VECTOR_ISA_AVX2,
    .name = "avx2",
    .l2_squared = avx2_l2_squared,
    .inner_product = avx2_inner_product,
    .neg_inner_product = avx2_neg_inner_product,
    .one_minus_dot = avx2_one_minus_dot,
    .cosine_distance = avx2_cosine_distance,
    .l1 = avx2_l1,
    .norm_squared = avx2_norm_squared,
    .divide = avx2_divide,
    .add = avx2_add,
    .sub = avx2_sub,
    .mul = avx2_mul,
};

#endif
