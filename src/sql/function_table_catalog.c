/*
 * function_table_catalog.c — the functions catalog queries use (format_type, pg_get_expr,
 * pg_table_is_visible, has_*_privilege, obj_description ...), answered from the catalog.
 */
#include "sql/function_macros.h"

const sql_function function_table_catalog[] = {
    F2("format_type", OID_, I4, TXT, "pgw_format_type(%1, %2)", NULL),
};

const size_t function_table_catalog_size = sizeof function_table_catalog / sizeof function_table_catalog[0];
