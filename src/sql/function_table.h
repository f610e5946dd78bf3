/*
 * function_table.h — the functions and operators the server knows, with how each dialect
 * writes them (function_table.c).  Resolution is in functions.c.
 */
#ifndef PGWIRE_FUNCTION_TABLE_H
#define PGWIRE_FUNCTION_TABLE_H

#include "sql/sql_internal.h"

extern const sql_function function_table[];
extern const size_t function_table_size;

#endif
