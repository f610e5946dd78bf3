/*
 * test_parse_abi.c — libpg_query's raw trees read through postgresql-server-dev-15's node
 * headers: if the layouts ever disagree (docs/parser.md), these checks fail here instead of
 * queries misbehaving.
 */
#include "sql/pg_nodes.h"
#include "unit.h"

static Node *parse_one(const char *sql, raw_parse *p)
{
    pg_error err = {0};
    if (!raw_parse_text(sql, p, sql, 0, &err)) {
        pg_error_clear(&err);
        return NULL;
    }
    return ((RawStmt *)linitial(p->statements))->stmt;
}

static void test_select_layout(void)
{
    raw_parse p;
    Node *n = parse_one("SELECT a, b + 1 AS c FROM s.t AS x WHERE a = $1 ORDER BY 2 DESC LIMIT 5", &p);
    CHECK(n && IsA(n, SelectStmt));
    if (!n)
        return;
    SelectStmt *s = (SelectStmt *)n;
    CHECK_INT(list_length(s->targetList), 2);
    ResTarget *rt = lsecond(s->targetList);
    CHECK_STR(rt->name, "c");
    CHECK(IsA(rt->val, A_Expr));
    RangeVar *rv = linitial(s->fromClause);
    CHECK(IsA(rv, RangeVar));
    CHECK_STR(rv->schemaname, "s");
    CHECK_STR(rv->relname, "t");
    CHECK_STR(rv->alias->aliasname, "x");
    A_Expr *w = (A_Expr *)s->whereClause;
    CHECK(IsA(w, A_Expr) && w->kind == AEXPR_OP);
    CHECK(IsA(w->rexpr, ParamRef) && ((ParamRef *)w->rexpr)->number == 1);
    SortBy *sb = linitial(s->sortClause);
    CHECK(sb->sortby_dir == SORTBY_DESC);
    A_Const *lim = (A_Const *)s->limitCount;
    CHECK(IsA(lim, A_Const) && intVal(&lim->val) == 5);
    CHECK_INT((int)s->limitOption, PGQ_LIMIT_OPTION_COUNT);
    raw_parse_free(&p);
}

/* FetchDirection and the cursor option bits as cursor.c reads them. */
static void test_fetch_layout(void)
{
    raw_parse p;
    static const struct { const char *sql; int direction; long how_many; bool move; } cases[] = {
        {"fetch 5 from c", FETCH_FORWARD, 5, false},
        {"fetch all in c", FETCH_FORWARD, FETCH_ALL, false},
        {"fetch backward 2 c", FETCH_BACKWARD, 2, false},
        {"fetch absolute 3 from c", FETCH_ABSOLUTE, 3, false},
        {"move relative 4 in c", FETCH_RELATIVE, 4, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        FetchStmt *f = (FetchStmt *)parse_one(cases[i].sql, &p);
        CHECK(f && IsA(f, FetchStmt));
        if (!f)
            continue;
        CHECK_INT((int)f->direction, cases[i].direction);
        CHECK(f->howMany == cases[i].how_many);
        CHECK(f->ismove == cases[i].move);
        CHECK_STR(f->portalname, "c");
        raw_parse_free(&p);
    }
    DeclareCursorStmt *d = (DeclareCursorStmt *)parse_one("declare c binary cursor with hold for select 1", &p);
    CHECK(d && IsA(d, DeclareCursorStmt));
    if (d) {
        CHECK((d->options & CURSOR_OPT_BINARY) && (d->options & CURSOR_OPT_HOLD));
        CHECK(IsA(d->query, SelectStmt));
        raw_parse_free(&p);
    }
}


static void test_constants_and_locations(void)
{
    raw_parse p;
    Node *n = parse_one("select 'x', 1.5, true, null, 12345678901", &p);
    CHECK(n != NULL);
    if (!n)
        return;
    SelectStmt *s = (SelectStmt *)n;
    A_Const *c0 = (A_Const *)((ResTarget *)list_nth(s->targetList, 0))->val;
    A_Const *c1 = (A_Const *)((ResTarget *)list_nth(s->targetList, 1))->val;
    A_Const *c2 = (A_Const *)((ResTarget *)list_nth(s->targetList, 2))->val;
    A_Const *c3 = (A_Const *)((ResTarget *)list_nth(s->targetList, 3))->val;
    A_Const *c4 = (A_Const *)((ResTarget *)list_nth(s->targetList, 4))->val;
    CHECK(IsA(&c0->val, String) && strcmp(strVal(&c0->val), "x") == 0);
    CHECK_INT(c0->location, 7);
    CHECK(IsA(&c1->val, Float) && strcmp(castNode(Float, &c1->val)->fval, "1.5") == 0);
    CHECK(IsA(&c2->val, Boolean) && boolVal(&c2->val));
    CHECK(c3->isnull);
    CHECK(IsA(&c4->val, Float));
    raw_parse_free(&p);
}

static void test_syntax_error_position(void)
{
    raw_parse p;
    pg_error err = {0};
    CHECK(!raw_parse_text("select 1 from from", &p, "select 1 from from", 0, &err));
    CHECK_STR(err.sqlstate, "42601");
    CHECK_STR(err.message, "syntax error at or near \"from\"");
    CHECK_INT(err.position, 15);
    pg_error_clear(&err);
}

static int limit_option_of(const char *sql)
{
    raw_parse p;
    Node *n = parse_one(sql, &p);
    int v = n ? (int)((SelectStmt *)n)->limitOption : -1;
    if (n)
        raw_parse_free(&p);
    return v;
}

/* libpg_query's LimitOption order is its own (docs/parser.md): a wrong constant would turn
 * every LIMIT into FETCH ... WITH TIES. */
static void test_limit_option_values(void)
{
    CHECK_INT(limit_option_of("select 1"), PGQ_LIMIT_OPTION_DEFAULT);
    CHECK_INT(limit_option_of("select 1 limit 5"), PGQ_LIMIT_OPTION_COUNT);
    CHECK_INT(limit_option_of("select 1 fetch first 5 rows only"), PGQ_LIMIT_OPTION_COUNT);
    CHECK_INT(limit_option_of("select 1 order by 1 fetch first 5 rows with ties"), PGQ_LIMIT_OPTION_WITH_TIES);
}

/* Enum values the analyser relies on, as the parser produces them. */
static void test_other_enum_values(void)
{
    raw_parse p;
    Node *n = parse_one("select * from a left join b on true where x is not null and not y order by 1 desc nulls first", &p);
    CHECK(n != NULL);
    if (!n)
        return;
    SelectStmt *s = (SelectStmt *)n;
    JoinExpr *j = linitial(s->fromClause);
    CHECK(IsA(j, JoinExpr) && j->jointype == JOIN_LEFT);
    BoolExpr *w = (BoolExpr *)s->whereClause;
    CHECK(IsA(w, BoolExpr) && w->boolop == AND_EXPR);
    NullTest *nt = linitial(w->args);
    CHECK(IsA(nt, NullTest) && nt->nulltesttype == IS_NOT_NULL);
    BoolExpr *not = lsecond(w->args);
    CHECK(IsA(not, BoolExpr) && not->boolop == NOT_EXPR);
    SortBy *sb = linitial(s->sortClause);
    CHECK(sb->sortby_dir == SORTBY_DESC && sb->sortby_nulls == SORTBY_NULLS_FIRST);
    raw_parse_free(&p);
    n = parse_one("select 1 union all select 2", &p);
    CHECK(n && ((SelectStmt *)n)->op == SETOP_UNION && ((SelectStmt *)n)->all);
    if (n)
        raw_parse_free(&p);
    n = parse_one("select x between 1 and 2, x like 'a', x ilike 'b', x in (1), x is distinct from y", &p);
    if (n) {
        SelectStmt *sel = (SelectStmt *)n;
        A_Expr_Kind want[] = {AEXPR_BETWEEN, AEXPR_LIKE, AEXPR_ILIKE, AEXPR_IN, AEXPR_DISTINCT};
        for (int i = 0; i < 5; i++) {
            A_Expr *a = (A_Expr *)((ResTarget *)list_nth(sel->targetList, i))->val;
            CHECK(IsA(a, A_Expr) && a->kind == want[i]);
        }
        raw_parse_free(&p);
    }
}

static void test_ddl_layout(void)
{
    raw_parse p;
    Node *n = parse_one("create table t (id serial primary key, v numeric(10,2) default 0 check (v > 0))", &p);
    CHECK(n && IsA(n, CreateStmt));
    if (!n)
        return;
    CreateStmt *cs = (CreateStmt *)n;
    CHECK_INT(list_length(cs->tableElts), 2);
    ColumnDef *v = lsecond(cs->tableElts);
    CHECK_STR(v->colname, "v");
    CHECK_STR(strVal(llast(v->typeName->names)), "numeric");
    CHECK_INT(list_length(v->typeName->typmods), 2);
    CHECK_INT(list_length(v->constraints), 2);
    Constraint *c = lsecond(v->constraints);
    CHECK(c->contype == CONSTR_CHECK);
    raw_parse_free(&p);
}

int main(void)
{
    RUN(test_select_layout);
    RUN(test_fetch_layout);
    RUN(test_constants_and_locations);
    RUN(test_syntax_error_position);
    RUN(test_ddl_layout);
    RUN(test_limit_option_values);
    RUN(test_other_enum_values);
    return UNIT_DONE();
}
