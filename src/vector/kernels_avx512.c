/*
 * kernels_avx512.c — AVX-512F kernels, compiled for any x86-64 (function-level target
 * attributes) and only called after kernels.c has checked the CPU and OS support them.
 *
 * Same shape as the AVX2 file with 16 lanes: four accumulators over blocks of 64 floats,
 * 16-float steps, and one masked step for the last n % 16 elements (masked loads do not
 * touch memory past the end).  At d = 128 a distance is two loop iterations.
 */
#include "vector/kernels_internal.h"

#if VECTOR_HAVE_X86
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

AVX512 static inline __mmask16 tail_mask(size_t r)
{
    return (__mmask16)((1u << r) - 1u);
}

#define AVX512_REDUCTION(name, TERM)                                                     \
    AVX512 static float name(const float *a, const float *b, size_t n)                   \
    {                                                                                    \
        __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                      \
        size_t i = 0;                                                                    \
        for (; i + 64 <= n; i += 64) {                                                   \
            s0 = TERM(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);               \
            s1 = TERM(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);     \
            s2 = TERM(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);     \
            s3 = TERM(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);     \
        }                                                                                \
        for (; i + 16 <= n; i += 16)                                                     \
            s0 = TERM(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);               \
        if (i < n) {                                                                     \
            __mmask16 m = tail_mask(n - i);                                              \
            s1 = TERM(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1); \
        }                                                                                \
        return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1),                 \
                                                  _mm512_add_ps(s2, s3)));               \
    }

#define TERM_L2(x, y, acc) \
    _mm512_fmadd_ps(_mm512_sub_ps(x, y), _mm512_sub_ps(x, y), acc)
#define TERM_DOT(x, y, acc) _mm512_fmadd_ps(x, y, acc)
#define TERM_L1(x, y, acc) _mm512_add_ps(acc, _mm512_abs_ps(_mm512_sub_ps(x, y)))

AVX512_REDUCTION(avx512_l2_squared, TERM_L2)
AVX512_REDUCTION(avx512_inner_product, TERM_DOT)
AVX512_REDUCTION(avx512_l1, TERM_L1)

AVX512 static float avx512_neg_inner_product(const float *a, const float *b, size_t n)
{
    return -avx512_inner_product(a, b, n);
}

AVX512 static float avx512_one_minus_dot(const float *a, const float *b, size_t n)
{
    return 1.0f - avx512_inner_product(a, b, n);
}

AVX512 static float avx512_norm_squared(const float *a, size_t n)
{
    return avx512_inner_product(a, a, n);
}

AVX512 static float avx512_cosine_distance(const float *a, const float *b, size_t n)
{
    __m512 dot0 = _mm512_setzero_ps(), dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0,
           nb1 = dot0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 x0 = _mm512_loadu_ps(a + i), y0 = _mm512_loadu_ps(b + i);
        __m512 x1 = _mm512_loadu_ps(a + i + 16), y1 = _mm512_loadu_ps(b + i + 16);
        dot0 = _mm512_fmadd_ps(x0, y0, dot0);
        dot1 = _mm512_fmadd_ps(x1, y1, dot1);
        na0 = _mm512_fmadd_ps(x0, x0, na0);
        na1 = _mm512_fmadd_ps(x1, x1, na1);
        nb0 = _mm512_fmadd_ps(y0, y0, nb0);
        nb1 = _mm512_fmadd_ps(y1, y1, nb1);
    }
    for (; i < n; i += 16) {
        __mmask16 m = i + 16 <= n ? (__mmask16)0xFFFF : tail_mask(n - i);
        __m512 x = _mm512_maskz_loadu_ps(m, a + i), y = _mm512_maskz_loadu_ps(m, b + i);
        dot0 = _mm512_fmadd_ps(x, y, dot0);
        na0 = _mm512_fmadd_ps(x, x, na0);
        nb0 = _mm512_fmadd_ps(y, y, nb0);
    }
    return vector_cosine_from_sums(_mm512_reduce_add_ps(_mm512_add_ps(dot0, dot1)),
                                   _mm512_reduce_add_ps(_mm512_add_ps(na0, na1)),
                                   _mm512_reduce_add_ps(_mm512_add_ps(nb0, nb1)));
}

AVX512 static void avx512_divide(float *out, const float *a, float d, size_t n)
{
    __m512 dv = _mm512_set1_ps(d);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = i + 16 <= n ? (__mmask16)0xFFFF : tail_mask(n - i);
        _mm512_mask_storeu_ps(out + i, m, _mm512_div_ps(_mm512_maskz_loadu_ps(m, a + i), dv));
    }
}

/* Element-wise: a lane is bad when |r| is not below +inf (infinite or NaN: unordered).
 * Masked-out lanes compute 0 op 0 = 0 and are never stored. */
#define AVX512_ELEMENTWISE(name, OP)                                                     \
    AVX512 static bool name(float *out, const float *a, const float *b, size_t n)        \
    {                                                                                    \
        const __m512 inf = _mm512_set1_ps(__builtin_inff());                             \
        __mmask16 bad = 0;                                                               \
        for (size_t i = 0; i < n; i += 16) {                                             \
            __mmask16 m = i + 16 <= n ? (__mmask16)0xFFFF : tail_mask(n - i);            \
            __m512 r = OP(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)); \
            _mm512_mask_storeu_ps(out + i, m, r);                                        \
            bad |= _mm512_cmp_ps_mask(_mm512_abs_ps(r), inf, _CMP_NLT_UQ);               \
        }                                                                                \
        return bad == 0;                                                                 \
    }

AVX512_ELEMENTWISE(avx512_add, _mm512_add_ps)
AVX512_ELEMENTWISE(avx512_sub, _mm512_sub_ps)
AVX512_ELEMENTWISE(avx512_mul, _mm512_mul_ps)

const vector_kernels vector_kernels_avx512 = {
    .isa = VECTOR_ISA_AVX512,
    .name = "avx512",
    .l2_squared = avx512_l2_squared,
    .inner_product = avx512_inner_product,
    .neg_inner_product = avx512_neg_inner_product,
    .one_minus_dot = avx512_one_minus_dot,
    .cosine_distance = avx512_cosine_distance,
    .l1 = avx512_l1,
    .norm_squared = avx512_norm_squared,
    .divide = avx512_divide,
    .add = avx512_add,
    .sub = avx512_sub,
    .mul = avx512_mul,
};

#endif
