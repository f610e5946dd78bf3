/*
 * function_table_vector.c — pgvector's operators and functions (the vector type): distances
 * through the vector layer's kernels (src/vector), IRIS through its VECTOR_* functions.
 */
#include "sql/function_macros.h"

const sql_function function_table_vector[] = {
    /* ------------------------------------------------------------ vectors (pgvector) */
    OP2("<->", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    OP2("<#>", VEC, VEC, F8, "pgw_vector_neg_ip(%1, %2)", "(-VECTOR_DOT_PRODUCT(%1, %2))"),
    OP2("<=>", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    OP2("<+>", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),
    OP2("+", VEC, VEC, VEC, "pgw_vector_add(%1, %2)", NULL),
    OP2("-", VEC, VEC, VEC, "pgw_vector_sub(%1, %2)", NULL),
    OP2("*", VEC, VEC, VEC, "pgw_vector_mul(%1, %2)", NULL),
    OP2("=", VEC, VEC, BOO, "(%1 = %2)", NULL),
    OP2("<>", VEC, VEC, BOO, "(%1 <> %2)", NULL),

    F1("vector_dims", VEC, I4, "pgw_vector_dims(%1)", NULL),
    F1("vector_norm", VEC, F8, "pgw_vector_norm(%1)", NULL),
    F1("l2_normalize", VEC, VEC, "pgw_vector_l2_normalize(%1)", NULL),
    F2("l2_distance", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    F2("inner_product", VEC, VEC, F8, "pgw_vector_ip(%1, %2)", "VECTOR_DOT_PRODUCT(%1, %2)"),
    F2("cosine_distance", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    F2("l1_distance", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),
    AGG1("avg", VEC, VEC, "pgw_vector_avg(%D%1)", NULL),
    AGG1("sum", VEC, VEC, "pgw_vector_sum(%D%1)", NULL),
};

const size_t function_table_vector_size = sizeof function_table_vector / sizeof function_table_vector[0];
