/*
 * kernels_internal.h — the kernel function table shared inside src/vector (and by the white-box
 * unit tests).  One const table per instruction set; kernels.c picks one at first use.
 *
 * Every entry computes the same mathematical function in every table; only the summation
 * order (and FMA) differs, within the bound stated in vector.h.  Element-wise entries are
 * bit-identical across tables.
 */
#ifndef PGWIRE_VECTOR_KERNELS_INTERNAL_H
#define PGWIRE_VECTOR_KERNELS_INTERNAL_H

#include "vector/vector.h"

#if defined(__x86_64__) || defined(__i386__)
#define VECTOR_HAVE_X86 1
#else
#define VECTOR_HAVE_X86 0
#endif

typedef enum {
    VECTOR_ISA_SCALAR = 0,
    VECTOR_ISA_AVX2 = 1,     /* AVX2 + FMA */
    VECTOR_ISA_AVX512 = 2,   /* AVX-512F */
} vector_isa;

/* A distance between two n-float vectors. */
typedef float (*vector_dist_fn)(const float *a, const float *b, size_t n);
typedef bool (*vector_elementwise_fn)(float *out, const float *a, const float *b, size_t n);

typedef struct vector_kernels {
    vector_isa isa;
    const char *name;
    vector_dist_fn l2_squared;
    vector_dist_fn inner_product;
    vector_dist_fn neg_inner_product;   /* -(a.b): inner-product ranking distance */
    vector_dist_fn one_minus_dot;       /* 1 - a.b: cosine distance of unit vectors */
    vector_dist_fn cosine_distance;     /* 1 - a.b/(|a||b|), clamped to [0,2]; NaN on a 0 norm */
    vector_dist_fn l1;
    float (*norm_squared)(const float *a, size_t n);
    /* out[i] = a[i] / d (a true division, so results are bit-identical across tables). */
    void (*divide)(float *out, const float *a, float d, size_t n);
    vector_elementwise_fn add, sub, mul;
} vector_kernels;

extern const vector_kernels vector_kernels_scalar;
#if VECTOR_HAVE_X86
extern const vector_kernels vector_kernels_avx2;
extern const vector_kernels vector_kernels_avx512;
#endif

/* The process-wide choice (thread-safe, chosen once). */
const vector_kernels *vector_kernels_active(void);
/* The table for one instruction set, or NULL if this CPU (or build) cannot run it. */
const vector_kernels *vector_kernels_for_isa(vector_isa isa);

/* The ranking distance a metric uses internally (monotone in the public distance) and the
 * conversion to the public distance.  COSINE ranks unit vectors by one_minus_dot. */
vector_dist_fn vector_rank_distance(const vector_kernels *k, vector_metric metric,
                                    bool unit_vectors);
static inline float vector_public_distance(vector_metric metric, float rank)
{
    return metric == VECTOR_METRIC_L2 ? __builtin_sqrtf(rank) : rank;
}

/* Cosine distance from the three sums, shared by every table so they agree: clamp the
 * similarity into [-1, 1] (rounding can leave it outside), NaN when a norm is zero. */
static inline float vector_cosine_from_sums(float dot, float na, float nb)
{
    double denom = __builtin_sqrt((double)na * (double)nb);
    if (denom == 0.0)
        return __builtin_nanf("");
    double sim = (double)dot / denom;
    if (sim > 1.0)
        sim = 1.0;
    else if (sim < -1.0)
        sim = -1.0;
    return (float)(1.0 - sim);
}

#endif
