/*
 * emit_iris.c — IR → InterSystems IRIS SQL.  The dialect's rules (docs/iris.md) are applied
 * here; until they are, translation for IRIS reports 0A000 rather than sending SQL that IRIS
 * would misread.
 */
#include "sql/sql_internal.h"

bool emit_query_iris(sql_xlate *x, ir_query *q, emit_result *out)
{
    UNUSED(q);
    UNUSED(out);
    xlate_error(x, -1, "0A000", "the IRIS dialect emitter is not available in this build");
    return false;
}
