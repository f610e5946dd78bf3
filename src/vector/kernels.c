/*
 * kernels.c — picks the kernel table once per process and exposes the public kernel calls.
 *
 * The only mutable global of the vector layer is `active`, written exactly once inside
 * pthread_once and read-only afterwards, so every thread sees the same table.  The choice:
 * the best instruction set the CPU and OS support (__builtin_cpu_supports checks both the
 * CPUID bits and the XSAVE state the OS enables), optionally lowered by PGWIRE_VECTOR_ISA.
 */
#include "vector/kernels_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t active_once = PTHREAD_ONCE_INIT;
static const vector_kernels *active;

const vector_kernels *vector_kernels_for_isa(vector_isa isa)
{
    switch (isa) {
    case VECTOR_ISA_SCALAR:
        return &vector_kernels_scalar;
#if VECTOR_HAVE_X86
    case VECTOR_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                   ? &vector_kernels_avx2 : NULL;
    case VECTOR_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") ? &vector_kernels_avx512 : NULL;
#else
    default:
        break;
#endif
    }
    return NULL;
}

static void choose_active(void)
{
    vector_isa ceiling = VECTOR_ISA_AVX512;
    const char *want = getenv("PGWIRE_VECTOR_ISA");
    if (want && strcmp(want, "scalar") == 0)
        ceiling = VECTOR_ISA_SCALAR;
    else if (want && strcmp(want, "avx2") == 0)
        ceiling = VECTOR_ISA_AVX2;
    active = &vector_kernels_scalar;
    for (int isa = (int)ceiling; isa > (int)VECTOR_ISA_SCALAR; isa--) {
        const vector_kernels *k = vector_kernels_for_isa((vector_isa)isa);
        if (k) {
            active = k;
            break;
        }
    }
}

const vector_kernels *vector_kernels_active(void)
{
    pthread_once(&active_once, choose_active);
    return active;
}

const char *vector_isa_name(void)
{
    return vector_kernels_active()->name;
}

const char *vector_metric_name(vector_metric metric)
{
    switch (metric) {
    case VECTOR_METRIC_L2: return "l2";
    case VECTOR_METRIC_INNER_PRODUCT: return "inner_product";
    case VECTOR_METRIC_COSINE: return "cosine";
    case VECTOR_METRIC_L1: return "l1";
    }
    return NULL;
}

vector_dist_fn vector_rank_distance(const vector_kernels *k, vector_metric metric,
                                    bool unit_vectors)
{
    switch (metric) {
    case VECTOR_METRIC_L2: return k->l2_squared;
    case VECTOR_METRIC_INNER_PRODUCT: return k->neg_inner_product;
    case VECTOR_METRIC_COSINE: return unit_vectors ? k->one_minus_dot : k->cosine_distance;
    case VECTOR_METRIC_L1: return k->l1;
    }
    return k->l2_squared;
}

float vector_l2_squared(const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->l2_squared(a, b, n);
}

float vector_l2_distance(const float *a, const float *b, size_t n)
{
    return sqrtf(vector_kernels_active()->l2_squared(a, b, n));
}

float vector_inner_product(const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->inner_product(a, b, n);
}

float vector_cosine_distance(const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->cosine_distance(a, b, n);
}

float vector_l1_distance(const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->l1(a, b, n);
}

float vector_norm(const float *a, size_t n)
{
    return sqrtf(vector_kernels_active()->norm_squared(a, n));
}

float vector_distance(vector_metric metric, const float *a, const float *b, size_t n)
{
    const vector_kernels *k = vector_kernels_active();
    return vector_public_distance(metric, vector_rank_distance(k, metric, false)(a, b, n));
}

float vector_normalize(float *out, const float *a, size_t n)
{
    const vector_kernels *k = vector_kernels_active();
    float norm = sqrtf(k->norm_squared(a, n));
    if (norm > 0.0f && isfinite(norm))
        k->divide(out, a, norm, n);
    else if (norm == 0.0f)
        memset(out, 0, n * sizeof *out);
    else if (out != a)   /* overflowed norm: leave the vector as it is, caller sees the norm */
        memmove(out, a, n * sizeof *out);
    return norm;
}

bool vector_add(float *out, const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->add(out, a, b, n);
}

bool vector_sub(float *out, const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->sub(out, a, b, n);
}

bool vector_mul(float *out, const float *a, const float *b, size_t n)
{
    return vector_kernels_active()->mul(out, a, b, n);
}
