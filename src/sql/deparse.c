/*
 * deparse.c — PostgreSQL's text (ruleutils.c's output) of what the catalog records as written.
 */
#include "sql/sql_internal.h"

bool deparse_recorded_expr(void *arg, const cat_snapshot *s, const cat_relation *rel, const char *text,
                           bool is_check, strbuf *out)
{
    UNUSED(arg); UNUSED(s); UNUSED(rel); UNUSED(text); UNUSED(is_check); UNUSED(out);
    return false;
}

bool deparse_view_definition(void *arg, const cat_snapshot *s, const cat_relation *rel, strbuf *out)
{
    UNUSED(arg); UNUSED(s); UNUSED(rel); UNUSED(out);
    return false;
}

bool deparse_index(void *arg, const cat_snapshot *s, const cat_relation *rel, const cat_index *ix, strbuf *indexdef,
                   strbuf *keydefs, int16_t *options, strbuf *predicate)
{
    UNUSED(arg); UNUSED(s); UNUSED(rel); UNUSED(ix); UNUSED(indexdef); UNUSED(keydefs); UNUSED(options);
    UNUSED(predicate);
    return false;
}
