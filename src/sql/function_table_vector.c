/*
 * function_table_vector.c — pgvector's operators and functions (the vector type): distances
 * through the vector layer's kernels (src/vector, engine functions in
 * src/backend/sqlite_fn_vector.c), IRIS through its VECTOR_* functions.
 *
 * ORDER BY <distance> LIMIT k is not a plain call: vector_plan.c rewrites it into the
 * pgw_vector_search table function (HNSW index or exact top-k), whatever these templates say.
 */
#include "sql/function_macros.h"

#define F1V(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_PLAIN, FN_VOLATILE, E(sq, ir), 0}

const sql_function function_table_vector[] = {
    /* ------------------------------------------------------------ vectors (pgvector) */
    OP2("<->", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    OP2("<#>", VEC, VEC, F8, "pgw_vector_neg_ip(%1, %2)", "(-VECTOR_DOT_PRODUCT(%1, %2))"),
    OP2("<=>", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    OP2("<+>", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),
    OP2("+", VEC, VEC, VEC, "pgw_vector_add(%1, %2)", NULL),
    OP2("-", VEC, VEC, VEC, "pgw_vector_sub(%1, %2)", NULL),
    OP2("*", VEC, VEC, VEC, "pgw_vector_mul(%1, %2)", NULL),
    OP2("||", VEC, VEC, VEC, "pgw_vector_concat(%1, %2)", NULL),
    /* pgvector's btree order: element by element, then by dimensions (-0 equals 0). */
    OP2("=", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) = 0)", NULL),
    OP2("<>", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) <> 0)", NULL),
    OP2("<", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) < 0)", NULL),
    OP2("<=", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) <= 0)", NULL),
    OP2(">", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) > 0)", NULL),
    OP2(">=", VEC, VEC, BOO, "(pgw_vector_cmp(%1, %2) >= 0)", NULL),

    F1("vector_dims", VEC, I4, "pgw_vector_dims(%1)", NULL),
    F1("vector_norm", VEC, F8, "pgw_vector_norm(%1)", NULL),
    F1("l2_normalize", VEC, VEC, "pgw_vector_l2_normalize(%1)", NULL),
    F3("subvector", VEC, I4, I4, VEC, "pgw_vector_subvector(%1, %2, %3)", NULL),
    F2("l2_distance", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    F2("inner_product", VEC, VEC, F8, "pgw_vector_ip(%1, %2)", "VECTOR_DOT_PRODUCT(%1, %2)"),
    F2("cosine_distance", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    F2("l1_distance", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),
    F2("vector_cmp", VEC, VEC, I4, "pgw_vector_cmp(%1, %2)", NULL),
    AGG1("avg", VEC, VEC, "pgw_vector_avg(%D%1)", NULL),
    AGG1("sum", VEC, VEC, "pgw_vector_sum(%D%1)", NULL),

    /* The embedded engine's HNSW indexes: memory, state, upkeep (docs/vector.md). */
    F1("pgwire_vector_index_memory", REGCLASS, I8, "pgw_hnsw_memory(%1)", NULL),
    F1("pgwire_vector_index_stats", REGCLASS, JSN, "pgw_hnsw_stats(%1)", NULL),
    F1V("pgwire_vector_index_vacuum", REGCLASS, I4, "pgw_hnsw_vacuum(%1)", NULL),
    F0V("pgwire_vector_index_checkpoint", I4, "pgw_hnsw_checkpoint()", NULL),
};

const size_t function_table_vector_size = sizeof function_table_vector / sizeof function_table_vector[0];
