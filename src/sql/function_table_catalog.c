/*
 * function_table_catalog.c — the functions catalog queries use (format_type, pg_get_expr,
 * pg_get_constraintdef, pg_table_is_visible, has_*_privilege, obj_description ...).
 *
 * Most are answered by the catalog store (docs/catalog.md): their templates are subqueries
 * over its tables, including the definitions the builder computes once per schema version
 * ("pgw.constraintdef", "pgw.indexdef", "pgw.viewdef", "pgw.serial"); those carry FN_CATALOG
 * so that the statement makes the store current first.  Visibility, privileges and type names
 * are engine functions (sqlite_fn_catalog.c) that ask the session's catalog view.
 *
 * pg_node_tree values (adbin, conbin, indexprs ...) are PostgreSQL's deparsed text in our
 * store, so pg_get_expr returns them as they are.
 */
#include "sql/function_macros.h"

#define NODE PG_OID_PG_NODE_TREE
#define RCLS PG_OID_REGCLASS
#define RPROC PG_OID_REGPROC
#define OIDV PG_OID_OIDVECTOR

#define CATF1(n, a, ret, sq) {n, 1, {a}, ret, FN_PLAIN, FN_CATALOG, E(sq, NULL), 0}
#define CATF2(n, a, b, ret, sq) {n, 2, {a, b}, ret, FN_PLAIN, FN_CATALOG, E(sq, NULL), 0}
#define CATF3(n, a, b, c, ret, sq) {n, 3, {a, b, c}, ret, FN_PLAIN, FN_CATALOG, E(sq, NULL), 0}

#define Q(t) "\"pg_catalog." t "\""
#define DESCRIPTION(cond) "(SELECT description FROM " Q("pg_description") " WHERE " cond ")"
/* obj_description(oid, catalog): the catalog by name, as PostgreSQL looks it up in pg_catalog. */
#define CATALOG_OID(arg) "(SELECT oid FROM " Q("pg_class") " WHERE relname = " arg " AND relnamespace = 11)"

/* Bytes of the engine's pages holding relations ("pgw.engine" maps OIDs to engine names). */
#define SIZE_OF(cond) "coalesce((SELECT sum(d.pgsize) FROM \"pgw.engine\" e, dbstat('main', 1) d" \
                      " WHERE " cond " AND d.name = e.name), 0)"
/* Definitions name relations as the session's search_path sees them: the store keeps a text
 * for the default path and one qualified (def_q, pretty_q) for a path without public. */
#define PUBLIC_VISIBLE "coalesce(pgw_visible('n', 2200), 1)"
#define PICK(col) "CASE WHEN " PUBLIC_VISIBLE " THEN " col " ELSE " col "_q END"
#define PICK_PRETTY(flag) "CASE WHEN " flag " THEN " PICK("pretty") " ELSE " PICK("def") " END"
#define CONDEF(col) "(SELECT " col " FROM \"pgw.constraintdef\" WHERE oid = %1)"
#define VIEWDEF(col, key) "(SELECT " col " FROM \"pgw.viewdef\" WHERE oid = " key ")"
/* pg_get_expr(node, rel): the stored text is the default path's. */
#define EXPR_TEXT "CASE WHEN " PUBLIC_VISIBLE " THEN %1 ELSE coalesce((SELECT qualified FROM \"pgw.exprs\"" \
                  " WHERE expr = %1 AND qualified IS NOT NULL LIMIT 1), %1) END"
/* pg_get_indexdef(oid, k, pretty): the whole definition for 0, else key column k. */
#define INDEXDEF_COL "(SELECT CASE WHEN %2 = 0 THEN CASE WHEN %3 THEN pretty ELSE def END" \
                     " ELSE json_extract(CASE WHEN %3 THEN keys_pretty ELSE keys END, '$[' || (%2 - 1) || ']') END" \
                     " FROM \"pgw.indexdef\" WHERE oid = %1)"

/* Privilege checks: (object, privilege) and (user, object, privilege); the user is not
 * checked beyond being given (every role holds every privilege on this server). */
#define PRIV(name, kind, objtype)                                                                    \
    F2(name, objtype, TXT, BOO, "pgw_has_privilege('" kind "', %1, %2)", NULL),                       \
    F3(name, NAM, objtype, TXT, BOO, "pgw_has_privilege('" kind "', %2, %3)", NULL),                  \
    F3(name, OID_, objtype, TXT, BOO, "pgw_has_privilege('" kind "', %2, %3)", NULL)

const sql_function function_table_catalog[] = {
    F2("format_type", OID_, I4, TXT, "pgw_format_type(%1, %2)", NULL),
    CATF1("pg_get_userbyid", OID_, NAM,
          "coalesce((SELECT rolname FROM " Q("pg_authid") " WHERE oid = %1), 'unknown (OID=' || %1 || ')')"),
    /* acldefault(kind, owner): the privileges an object of that kind has before any GRANT,
     * PUBLIC's entry first (pg_dump reads it for every object it dumps). */
    CATF2("acldefault", CHR, OID_, PG_OID_ACLITEM_ARRAY,
          "(SELECT CASE %1 WHEN 'c' THEN '[]' WHEN 'r' THEN json_array(o || '=arwdDxt/' || o)"
          " WHEN 's' THEN json_array(o || '=rwU/' || o) WHEN 'd' THEN json_array('=Tc/' || o, o || '=CTc/' || o)"
          " WHEN 'f' THEN json_array('=X/' || o, o || '=X/' || o) WHEN 'l' THEN json_array('=U/' || o, o || '=U/' || o)"
          " WHEN 'L' THEN json_array(o || '=rw/' || o) WHEN 'n' THEN json_array(o || '=UC/' || o)"
          " WHEN 'p' THEN json_array(o || '=sA/' || o) WHEN 't' THEN json_array(o || '=C/' || o)"
          " WHEN 'F' THEN json_array(o || '=U/' || o) WHEN 'S' THEN json_array(o || '=U/' || o)"
          " WHEN 'T' THEN json_array('=U/' || o, o || '=U/' || o) END"
          " FROM (SELECT coalesce((SELECT rolname FROM " Q("pg_authid") " WHERE oid = %2), CAST(%2 AS TEXT)) AS o))"),
    CATF2("pg_get_expr", NODE, OID_, TXT, EXPR_TEXT),
    CATF3("pg_get_expr", NODE, OID_, BOO, TXT,
          "CASE WHEN %3 THEN coalesce((SELECT pretty FROM \"pgw.exprs\" WHERE expr = %1), %1) ELSE " EXPR_TEXT " END"),
    CATF1("pg_get_constraintdef", OID_, TXT, CONDEF(PICK("def"))),
    CATF2("pg_get_constraintdef", OID_, BOO, TXT, CONDEF(PICK_PRETTY("%2"))),
    CATF1("pg_get_indexdef", OID_, TXT, "(SELECT def FROM \"pgw.indexdef\" WHERE oid = %1)"),
    CATF3("pg_get_indexdef", OID_, I4, BOO, TXT, INDEXDEF_COL),
    /* pg_get_viewdef(view [, pretty]); the wrap-column form is always pretty. */
    CATF1("pg_get_viewdef", OID_, TXT, VIEWDEF(PICK("def"), "%1")),
    CATF2("pg_get_viewdef", OID_, BOO, TXT, VIEWDEF(PICK_PRETTY("%2"), "%1")),
    CATF2("pg_get_viewdef", OID_, I4, TXT, VIEWDEF(PICK("pretty"), "%1")),
    CATF1("pg_get_viewdef", TXT, TXT, VIEWDEF(PICK("def"), "pgw_cast(%1, 25, 2205, -1, 1)")),
    CATF2("pg_get_viewdef", TXT, BOO, TXT, VIEWDEF(PICK_PRETTY("%2"), "pgw_cast(%1, 25, 2205, -1, 1)")),
    CATF2("pg_get_serial_sequence", TXT, TXT, TXT,
          "(SELECT seqname FROM \"pgw.serial\" WHERE relid = pgw_cast(%1, 25, 2205, -1, 1) AND attname = %2)"),
    F1("pg_table_is_visible", OID_, BOO, "pgw_visible('r', %1)", NULL),
    F1("pg_type_is_visible", OID_, BOO, "pgw_visible('t', %1)", NULL),
    F1("pg_function_is_visible", OID_, BOO, "pgw_visible('f', %1)", NULL),
    F1("pg_collation_is_visible", OID_, BOO, "pgw_visible('c', %1)", NULL),
    F1("pg_conversion_is_visible", OID_, BOO, "pgw_visible('c', %1)", NULL),
    F1("pg_operator_is_visible", OID_, BOO, "pgw_visible('o', %1)", NULL),
    F1("pg_opclass_is_visible", OID_, BOO, "pgw_visible('o', %1)", NULL),
    F1("pg_opfamily_is_visible", OID_, BOO, "pgw_visible('o', %1)", NULL),
    F1("pg_statistics_obj_is_visible", OID_, BOO, "pgw_visible('s', %1)", NULL),
    F1("pg_ts_config_is_visible", OID_, BOO, "pgw_visible('s', %1)", NULL),
    F1("pg_ts_dict_is_visible", OID_, BOO, "pgw_visible('s', %1)", NULL),
    F1("pg_ts_parser_is_visible", OID_, BOO, "pgw_visible('s', %1)", NULL),
    F1("pg_ts_template_is_visible", OID_, BOO, "pgw_visible('s', %1)", NULL),
    CATF2("obj_description", OID_, NAM, TXT,
          DESCRIPTION("objoid = %1 AND classoid = " CATALOG_OID("%2") " AND objsubid = 0")),
    CATF1("obj_description", OID_, TXT, DESCRIPTION("objoid = %1 AND objsubid = 0 LIMIT 1")),
    CATF2("col_description", OID_, I4, TXT, DESCRIPTION("objoid = %1 AND classoid = 1259 AND objsubid = %2")),
    CATF2("shobj_description", OID_, NAM, TXT,
          "(SELECT description FROM " Q("pg_shdescription") " WHERE objoid = %1 AND classoid = " CATALOG_OID("%2") ")"),
    CATF1("pg_encoding_to_char", I4, NAM, "coalesce((SELECT name FROM \"pgw.encodings\" WHERE num = %1), '')"),
    CATF1("pg_char_to_encoding", NAM, I4,
          "coalesce((SELECT num FROM \"pgw.encodings\" WHERE upper(name) = upper(%1)), -1)"),
    CATF1("pg_get_function_result", OID_, TXT,
          "(SELECT CASE WHEN proretset THEN 'SETOF ' ELSE '' END || pgw_format_type(prorettype, -1)"
          " FROM " Q("pg_proc") " WHERE oid = %1)"),
    CATF1("pg_get_function_arguments", OID_, TXT,
          "(SELECT pgw_format_oidvector(proargtypes) FROM " Q("pg_proc") " WHERE oid = %1)"),
    CATF1("pg_get_function_identity_arguments", OID_, TXT,
          "(SELECT pgw_format_oidvector(proargtypes) FROM " Q("pg_proc") " WHERE oid = %1)"),
    /* Objects the server never has (triggers, rules, statistics objects, partitions): their
     * definitions are NULL, as PostgreSQL answers for an OID that does not exist. */
    CATF1("pg_get_triggerdef", OID_, TXT, "(SELECT NULL FROM " Q("pg_trigger") " WHERE oid = %1)"),
    CATF2("pg_get_triggerdef", OID_, BOO, TXT, "(SELECT NULL FROM " Q("pg_trigger") " WHERE oid = %1)"),
    CATF1("pg_get_ruledef", OID_, TXT, "(SELECT NULL FROM " Q("pg_rewrite") " WHERE oid = %1)"),
    CATF2("pg_get_ruledef", OID_, BOO, TXT, "(SELECT NULL FROM " Q("pg_rewrite") " WHERE oid = %1)"),
    CATF1("pg_get_statisticsobjdef_columns", OID_, TXT,
          "(SELECT NULL FROM " Q("pg_statistic_ext") " WHERE oid = %1)"),
    CATF1("pg_get_partkeydef", OID_, TXT, "(SELECT NULL FROM " Q("pg_partitioned_table") " WHERE partrelid = %1)"),
    CATF1("pg_get_partition_constraintdef", OID_, TXT,
          "(SELECT NULL FROM " Q("pg_partitioned_table") " WHERE partrelid = %1)"),
    /* Publishable: ordinary permanent tables (pg_relation_is_publishable). */
    CATF1("pg_relation_is_publishable", RCLS, BOO,
          "(SELECT relkind IN ('r', 'p') AND relnamespace NOT IN (11, 99, 13207) FROM " Q("pg_class") " WHERE oid = %1)"),
    /* Partition ancestors of a relation that is no partition: the relation itself. */
    {"pg_partition_ancestors", 1, {RCLS}, RCLS, FN_SET_RETURNING, FN_CATALOG,
     E("(SELECT oid AS value, 1 AS ordinality FROM " Q("pg_class") " WHERE oid = %1)", NULL), 0},
    /* pg_options_to_table(reloptions): each "name=value" split at its first '=' (pg_dump reads
     * the options of foreign-data wrappers, servers and tables through it). */
    SRF1("pg_options_to_table", TXTARR, PG_OID_RECORD,
         "(SELECT CASE WHEN instr(value, '=') > 0 THEN substr(value, 1, instr(value, '=') - 1) ELSE value END"
         " AS option_name, CASE WHEN instr(value, '=') > 0 THEN substr(value, instr(value, '=') + 1) END"
         " AS option_value, key + 1 AS ordinality FROM json_each(%1))", NULL),
    /* information_schema._pg_expandarray(anyarray): (x, n), the element and its 1-based
     * position (analysed as a record: srf_columns). */
    SRF1("_pg_expandarray", ANYARR, PG_OID_RECORD, "pgw_srf('expand', %1, 0)", NULL),
    /* generate_subscripts(array, 1): JSON arrays count from 1, int2vector and oidvector from 0. */
    SRF2("generate_subscripts", ANYARR, I4, I4, "pgw_srf('subscripts', CASE WHEN %2 = 1 THEN %1 END, 1)", NULL),
    SRF2("generate_subscripts", PG_OID_INT2VECTOR, I4, I4,
         "pgw_srf('subscripts', CASE WHEN %2 = 1 THEN pgw_intvector_to_array(%1) END, 0)", NULL),
    SRF2("generate_subscripts", OIDV, I4, I4,
         "pgw_srf('subscripts', CASE WHEN %2 = 1 THEN pgw_intvector_to_array(%1) END, 0)", NULL),
    PRIV("has_table_privilege", "r", TXT), PRIV("has_table_privilege", "r", OID_),
    PRIV("has_sequence_privilege", "S", TXT), PRIV("has_sequence_privilege", "S", OID_),
    PRIV("has_schema_privilege", "n", TXT), PRIV("has_schema_privilege", "n", OID_),
    PRIV("has_database_privilege", "d", TXT), PRIV("has_database_privilege", "d", OID_),
    PRIV("has_function_privilege", "f", TXT), PRIV("has_function_privilege", "f", OID_),
    PRIV("has_type_privilege", "t", TXT), PRIV("has_type_privilege", "t", OID_),
    PRIV("has_any_column_privilege", "c", TXT), PRIV("has_any_column_privilege", "c", OID_),
    F3("has_column_privilege", TXT, TXT, TXT, BOO, "pgw_has_privilege('c', %1, %3)", NULL),
    F3("has_column_privilege", OID_, TXT, TXT, BOO, "pgw_has_privilege('c', %1, %3)", NULL),
    F3("has_column_privilege", OID_, I2, TXT, BOO, "pgw_has_privilege('c', %1, %3)", NULL),
    F0("pg_is_in_recovery", BOO, "0", NULL),
    /* The server's encoding is always UTF8; tablespaces (pg_default, pg_global) have no
     * location of their own, which PostgreSQL prints as ''. */
    F0("getdatabaseencoding", NAM, "'UTF8'", NULL),
    F1("pg_tablespace_location", OID_, TXT, "''", NULL),
    /* smallint bit operators (JDBC's getIndexInfo tests indoption bits with "& 1::smallint"). */
    OP2("&", I2, I2, I2, "(%1 & %2)", "BITAND(%1, %2)"),
    OP2("|", I2, I2, I2, "(%1 | %2)", "BITOR(%1, %2)"),
    /* Sizes: the engine's pages of the relation (SQLite's dbstat), not PostgreSQL's files. */
    CATF1("pg_relation_size", RCLS, I8, SIZE_OF("e.oid = %1")),
    CATF1("pg_table_size", RCLS, I8, SIZE_OF("e.oid = %1")),
    CATF1("pg_indexes_size", RCLS, I8, SIZE_OF("e.table_oid = %1 AND e.kind = 'i'")),
    CATF1("pg_total_relation_size", RCLS, I8, SIZE_OF("(e.oid = %1 OR e.table_oid = %1)")),
    F1("pg_size_pretty", I8, TXT, "pgw_size_pretty(%1)", NULL),
    F1("pg_size_pretty", NUM, TXT, "pgw_size_pretty(CAST(%1 AS INTEGER))", NULL),
};

const size_t function_table_catalog_size = sizeof function_table_catalog / sizeof function_table_catalog[0];
