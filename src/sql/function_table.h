/*
 * function_table.h — the functions and operators the server knows, with how each dialect
 * writes them (function_table.c).  Resolution is in functions.c.
 */
#ifndef PGWIRE_FUNCTION_TABLE_H
#define PGWIRE_FUNCTION_TABLE_H

#include "sql/sql_internal.h"

/* One table per area, each owned by one file; functions.c indexes them all. */
extern const sql_function function_table_core[];
extern const size_t function_table_core_size;
extern const sql_function function_table_catalog[];
extern const size_t function_table_catalog_size;
extern const sql_function function_table_vector[];
extern const size_t function_table_vector_size;

#endif
