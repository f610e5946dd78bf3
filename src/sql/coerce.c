/*
 * coerce.c — PostgreSQL's type coercion rules: which casts exist in which context (the
 * castcontext of pg_cast: implicit, assignment, explicit), type categories and preferred
 * types, and select_common_type for UNION/CASE/COALESCE/VALUES.
 *
 * Only the rules, no conversion: converting values is the emitters' and codecs' business.
 */
#include "sql/sql_internal.h"

#include <string.h>

char sql_type_category(pg_oid t)
{
    if (t == PG_OID_UNKNOWN)
        return 'X';
    const pg_type_info *ti = types_by_oid(t);
    if (ti)
        return ti->typcategory;
    return 'U';
}

bool sql_type_preferred(pg_oid t)
{
    const pg_type_info *ti = types_by_oid(t);
    return ti && ti->typispreferred;
}

static bool is_int(pg_oid t) { return t == PG_OID_INT2 || t == PG_OID_INT4 || t == PG_OID_INT8; }
static bool is_string(pg_oid t)
{
    return t == PG_OID_TEXT || t == PG_OID_VARCHAR || t == PG_OID_BPCHAR || t == PG_OID_NAME;
}
static bool is_reg(pg_oid t)
{
    return t == PG_OID_REGCLASS || t == PG_OID_REGTYPE || t == PG_OID_REGPROC ||
           t == PG_OID_REGPROCEDURE || t == PG_OID_REGOPER || t == PG_OID_REGOPERATOR ||
           t == PG_OID_REGNAMESPACE || t == PG_OID_REGROLE || t == PG_OID_REGCONFIG ||
           t == PG_OID_REGDICTIONARY || t == PG_OID_REGCOLLATION;
}

static int int_rank(pg_oid t)
{
    return t == PG_OID_INT2 ? 1 : t == PG_OID_INT4 ? 2 : t == PG_OID_INT8 ? 3 : 0;
}

/* The castcontext PostgreSQL 15 has for from → to, or 0 when there is no pg_cast entry
 * (then only I/O conversion applies: to string types in assignment, anything explicitly). */
static char cast_context(pg_oid from, pg_oid to)
{
    if (is_int(from) && is_int(to))
        return int_rank(from) < int_rank(to) ? 'i' : 'a';
    if (is_int(from) && (to == PG_OID_FLOAT4 || to == PG_OID_FLOAT8 || to == PG_OID_NUMERIC))
        return 'i';
    if (from == PG_OID_FLOAT4 && to == PG_OID_FLOAT8)
        return 'i';
    if (from == PG_OID_FLOAT8 && to == PG_OID_FLOAT4)
        return 'a';
    if ((from == PG_OID_FLOAT4 || from == PG_OID_FLOAT8) && (is_int(to) || to == PG_OID_NUMERIC))
        return 'a';
    if (from == PG_OID_NUMERIC && (to == PG_OID_FLOAT4 || to == PG_OID_FLOAT8))
        return 'i';
    if (from == PG_OID_NUMERIC && is_int(to))
        return 'a';
    if ((from == PG_OID_INT4 || from == PG_OID_INT8 || from == PG_OID_INT2) && (to == PG_OID_OID || is_reg(to)))
        return 'i';
    if ((from == PG_OID_OID || is_reg(from)) && (to == PG_OID_OID || is_reg(to)))
        return 'i';
    if ((from == PG_OID_OID || is_reg(from)) && (to == PG_OID_INT8))
        return 'a';
    if ((from == PG_OID_OID || is_reg(from)) && (to == PG_OID_INT4))
        return 'a';
    if (from == PG_OID_BOOL && to == PG_OID_INT4)
        return 'e';
    if (from == PG_OID_INT4 && to == PG_OID_BOOL)
        return 'e';
    /* String types: text/varchar are binary-compatible both ways; bpchar and name widen. */
    if (is_string(from) && is_string(to)) {
        if (to == PG_OID_NAME && from != PG_OID_NAME)
            return from == PG_OID_TEXT || from == PG_OID_BPCHAR || from == PG_OID_VARCHAR ? 'i' : 'a';
        return 'i';
    }
    if (from == PG_OID_CHAR && is_string(to))
        return to == PG_OID_TEXT ? 'i' : 'a';
    if (is_string(from) && from != PG_OID_NAME && to == PG_OID_REGCLASS)
        return 'i';
    if (from == PG_OID_DATE && (to == PG_OID_TIMESTAMP || to == PG_OID_TIMESTAMPTZ))
        return 'i';
    if (from == PG_OID_TIMESTAMP && to == PG_OID_TIMESTAMPTZ)
        return 'i';
    if (from == PG_OID_TIMESTAMPTZ && to == PG_OID_TIMESTAMP)
        return 'a';
    if ((from == PG_OID_TIMESTAMP || from == PG_OID_TIMESTAMPTZ) && (to == PG_OID_DATE || to == PG_OID_TIME))
        return 'a';
    if (from == PG_OID_TIMESTAMPTZ && to == PG_OID_TIMETZ)
        return 'a';
    if (from == PG_OID_TIME && to == PG_OID_INTERVAL)
        return 'i';
    if (from == PG_OID_TIME && to == PG_OID_TIMETZ)
        return 'i';
    if (from == PG_OID_INTERVAL && to == PG_OID_TIME)
        return 'a';
    if (from == PG_OID_JSON && to == PG_OID_JSONB)
        return 'a';
    if (from == PG_OID_JSONB && to == PG_OID_JSON)
        return 'a';
    if (from == PG_OID_JSONB && (to == PG_OID_BOOL || to == PG_OID_NUMERIC || is_int(to) ||
                                 to == PG_OID_FLOAT4 || to == PG_OID_FLOAT8))
        return 'e';
    if (from == PG_OID_INT4 && to == PG_OID_CHAR)
        return 'e';
    if (from == PG_OID_CHAR && to == PG_OID_INT4)
        return 'e';
    if (from == PG_OID_INET && to == PG_OID_CIDR)
        return 'a';
    if (from == PG_OID_CIDR && to == PG_OID_INET)
        return 'i';
    /* pgvector: vector → real[] is implicit; the array casts to vector are assignment casts.
     * vector → double precision[] is ours (pgvector has none), as an assignment cast. */
    if (from == PG_OID_VECTOR && to == PG_OID_FLOAT4_ARRAY)
        return 'i';
    if (from == PG_OID_VECTOR && to == PG_OID_FLOAT8_ARRAY)
        return 'a';
    if ((from == PG_OID_FLOAT4_ARRAY || from == PG_OID_FLOAT8_ARRAY || from == PG_OID_INT4_ARRAY ||
         from == PG_OID_NUMERIC_ARRAY) && to == PG_OID_VECTOR)
        return 'a';
    /* int2vector and oidvector are arrays of int2 / oid (binary coercible, implicitly). */
    if ((from == PG_OID_INT2VECTOR && to == PG_OID_INT2_ARRAY) || (from == PG_OID_OIDVECTOR && to == PG_OID_OID_ARRAY))
        return 'i';
    /* Arrays coerce element-wise with the element cast's context. */
    const pg_type_info *fi = types_by_oid(from), *ti = types_by_oid(to);
    if (fi && ti && types_is_array(fi) && types_is_array(ti))
        return cast_context(fi->typelem, ti->typelem);
    return 0;
}

bool sql_can_coerce(pg_oid from, pg_oid to, coercion_context ctx)
{
    if (from == to || to == PG_OID_ANY || from == PG_OID_UNKNOWN)
        return true;
    if (to == PG_OID_ANYELEMENT || to == PG_OID_ANYNONARRAY)
        return to != PG_OID_ANYNONARRAY || !types_is_array(types_by_oid(from));
    if (to == PG_OID_ANYARRAY)
        return types_is_array(types_by_oid(from));
    if (from == PG_OID_RECORD && to == PG_OID_RECORD)
        return true;
    char c = cast_context(from, to);
    if (c == 'i')
        return true;
    if (c == 'a')
        return ctx >= COERCE_ASSIGNMENT;
    if (c == 'e')
        return ctx == COERCE_EXPLICIT;
    /* I/O conversion: to a string type in assignment context, anything explicitly. */
    if (is_string(to) && ctx >= COERCE_ASSIGNMENT)
        return true;
    if (ctx == COERCE_EXPLICIT && from != PG_OID_VOID && to != PG_OID_VOID)
        return true;
    return false;
}

pg_oid sql_common_type(const pg_oid *types, int n)
{
    pg_oid chosen = PG_OID_INVALID;
    for (int i = 0; i < n; i++) {
        pg_oid t = types[i];
        if (t == PG_OID_UNKNOWN || t == PG_OID_INVALID)
            continue;
        if (chosen == PG_OID_INVALID) {
            chosen = t;
            continue;
        }
        if (t == chosen)
            continue;
        if (sql_type_category(t) != sql_type_category(chosen))
            return PG_OID_INVALID;
        if (!sql_type_preferred(chosen) && sql_can_coerce(chosen, t, COERCE_IMPLICIT) &&
            !sql_can_coerce(t, chosen, COERCE_IMPLICIT))
            chosen = t;
    }
    if (chosen == PG_OID_INVALID)
        return n > 0 ? PG_OID_TEXT : PG_OID_INVALID;
    for (int i = 0; i < n; i++)
        if (types[i] != PG_OID_INVALID && !sql_can_coerce(types[i], chosen, COERCE_IMPLICIT))
            return PG_OID_INVALID;
    return chosen;
}
