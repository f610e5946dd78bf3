/* test_type_table.c — the pg_type table and its lookups against PostgreSQL 15's catalog. */
#include "types_test.h"

static void test_row_count(void)
{
    /* 185 built-in base/pseudo/range/multirange types and their arrays, plus vector and _vector */
    CHECK_INT(types_count(), 187);
    CHECK(types_at(types_count()) == NULL);
    CHECK(types_at(0) != NULL);
}

static void test_rows_match_catalog(void)
{
    const pg_type_info *t = types_by_oid(16);
    CHECK_STR(t->name, "bool");
    CHECK_INT(t->typlen, 1);
    CHECK(t->typbyval);
    CHECK_INT(t->typcategory, 'B');
    CHECK(t->typispreferred);
    CHECK_INT(t->typarray, 1000);
    CHECK_STR(t->typreceive, "boolrecv");
    CHECK_INT(t->storage, STORAGE_INT);

    t = types_by_oid(603);   /* box: the one type whose delimiter is ';' */
    CHECK_STR(t->name, "box");
    CHECK_INT(t->typlen, 32);
    CHECK_INT(t->typdelim, ';');
    CHECK_INT(t->typalign, 'd');
    CHECK_INT(t->typelem, 600);
    CHECK(!types_is_array(t));

    t = types_by_oid(1043);
    CHECK_STR(t->typmodin, "varchartypmodin");
    CHECK_STR(t->sql_name, "character varying");
    CHECK_INT(t->typstorage, 'x');

    t = types_by_oid(1184);
    CHECK_STR(t->typinput, "timestamptz_in");
    CHECK_INT(t->typcategory, 'D');
    CHECK(t->typispreferred);
    CHECK_INT(t->storage, STORAGE_INT);

    t = types_by_oid(2283);
    CHECK_STR(t->name, "anyelement");
    CHECK_INT(t->typtype, 'p');
    CHECK_STR(t->typreceive, "-");

    t = types_by_oid(3904);
    CHECK_STR(t->name, "int4range");
    CHECK_INT(t->typtype, 'r');
    CHECK_INT(t->typarray, 3905);

    t = types_by_oid(1007);
    CHECK_STR(t->name, "_int4");
    CHECK_STR(t->sql_name, "integer[]");
    CHECK(types_is_array(t));
    CHECK_INT(t->typelem, 23);

    t = types_by_oid(PG_OID_VECTOR);
    CHECK_STR(t->name, "vector");
    CHECK_INT(t->storage, STORAGE_BLOB);
    CHECK_INT(t->typarray, PG_OID_VECTOR_ARRAY);
    CHECK_INT(types_by_oid(PG_OID_VECTOR_ARRAY)->typelem, PG_OID_VECTOR);

    CHECK_INT(types_by_oid(PG_OID_FLOAT4)->storage, STORAGE_FLOAT);
    CHECK_INT(types_by_oid(PG_OID_NUMERIC)->storage, STORAGE_TEXT);
    CHECK_INT(types_by_oid(PG_OID_BYTEA)->storage, STORAGE_BLOB);
    CHECK_INT(types_by_oid(PG_OID_REGCLASS)->storage, STORAGE_INT);
    CHECK_INT(types_by_oid(PG_OID_DATE)->storage, STORAGE_INT);
    CHECK_INT(types_by_oid(PG_OID_TIMETZ)->storage, STORAGE_TEXT);
    CHECK(types_by_oid(99999) == NULL);
    CHECK(types_by_oid(0) == NULL);
}

/* Every row is reachable through both hashes, and array links agree both ways. */
static void test_every_row_reachable(void)
{
    for (size_t i = 0; i < types_count(); i++) {
        const pg_type_info *t = types_at(i);
        CHECK(types_by_oid(t->oid) == t);
        CHECK(types_by_typname(t->name) == t);
        if (i > 0)
            CHECK(types_at(i - 1)->oid < t->oid);
        if (t->typarray) {
            const pg_type_info *a = types_by_oid(t->typarray);
            CHECK(a != NULL && a->typelem == t->oid);
        }
        if (types_is_array(t))
            CHECK(types_by_oid(t->typelem)->typarray == t->oid);
    }
}

static void test_sql_spellings(void)
{
    CHECK_INT(types_by_name("int")->oid, 23);
    CHECK_INT(types_by_name("INTEGER")->oid, 23);
    CHECK_INT(types_by_name("int4")->oid, 23);
    CHECK_INT(types_by_name("smallint")->oid, 21);
    CHECK_INT(types_by_name("bigint")->oid, 20);
    CHECK_INT(types_by_name("real")->oid, 700);
    CHECK_INT(types_by_name("float")->oid, 701);
    CHECK_INT(types_by_name("double precision")->oid, 701);
    CHECK_INT(types_by_name("Double   Precision")->oid, 701);
    CHECK_INT(types_by_name("character varying")->oid, 1043);
    CHECK_INT(types_by_name("varchar")->oid, 1043);
    CHECK_INT(types_by_name("character varying(10)")->oid, 1043);
    CHECK_INT(types_by_name("character")->oid, 1042);
    CHECK_INT(types_by_name("char")->oid, 1042);
    CHECK_INT(types_by_name("bpchar")->oid, 1042);
    CHECK_INT(types_by_name("\"char\"")->oid, 18);
    CHECK_INT(types_by_typname("char")->oid, 18);
    CHECK_INT(types_by_name("timestamp without time zone")->oid, 1114);
    CHECK_INT(types_by_name("timestamp with time zone")->oid, 1184);
    CHECK_INT(types_by_name("timestamp(3) with time zone")->oid, 1184);
    CHECK_INT(types_by_name("timestamptz")->oid, 1184);
    CHECK_INT(types_by_name("time with time zone")->oid, 1266);
    CHECK_INT(types_by_name("time without time zone")->oid, 1083);
    CHECK_INT(types_by_name("bool")->oid, 16);
    CHECK_INT(types_by_name("boolean")->oid, 16);
    CHECK_INT(types_by_name("decimal")->oid, 1700);
    CHECK_INT(types_by_name("numeric(10,2)")->oid, 1700);
    CHECK_INT(types_by_name("bit varying")->oid, 1562);
    CHECK_INT(types_by_name("_int4")->oid, 1007);
    CHECK_INT(types_by_name("integer[]")->oid, 1007);
    CHECK_INT(types_by_name("text[]")->oid, 1009);
    CHECK_INT(types_by_name("pg_catalog.int8")->oid, 20);
    CHECK_INT(types_by_name("vector")->oid, PG_OID_VECTOR);
    CHECK_INT(types_by_name("vector(3)")->oid, PG_OID_VECTOR);
    CHECK(types_by_name("serial") == NULL);
    CHECK(types_by_name("nosuchtype") == NULL);
    CHECK(types_by_name("") == NULL);
    CHECK(types_by_name("int(") == NULL);
    CHECK(types_by_typname("integer") == NULL);
}

static const char *fmt(pg_oid oid, int32_t typmod)
{
    static char buf[128];
    strbuf b;
    strbuf_init(&b);
    types_format_type(oid, typmod, &b);
    snprintf(buf, sizeof buf, "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return buf;
}

/* Expected strings from SELECT format_type(oid, typmod) on PostgreSQL 15. */
static void test_format_type(void)
{
    CHECK_STR(fmt(1043, types_typmod_varchar(10)), "character varying(10)");
    CHECK_STR(fmt(1043, -1), "character varying");
    CHECK_STR(fmt(1042, 5), "character(1)");
    CHECK_STR(fmt(1042, -1), "bpchar");
    CHECK_STR(fmt(1700, types_typmod_numeric(10, 2)), "numeric(10,2)");
    CHECK_STR(fmt(1700, types_typmod_numeric(10, 0)), "numeric(10,0)");
    CHECK_STR(fmt(1700, types_typmod_numeric(3, -2)), "numeric(3,-2)");
    CHECK_STR(fmt(1114, 3), "timestamp(3) without time zone");
    CHECK_STR(fmt(1184, 3), "timestamp(3) with time zone");
    CHECK_STR(fmt(1184, -1), "timestamp with time zone");
    CHECK_STR(fmt(1083, 0), "time(0) without time zone");
    CHECK_STR(fmt(1266, 6), "time(6) with time zone");
    CHECK_STR(fmt(1015, 14), "character varying(10)[]");
    CHECK_STR(fmt(1560, 3), "bit(3)");
    CHECK_STR(fmt(1562, 3), "bit varying(3)");
    CHECK_STR(fmt(1231, types_typmod_numeric(10, 2)), "numeric(10,2)[]");
    CHECK_STR(fmt(0, -1), "-");
    CHECK_STR(fmt(99999, -1), "???");
    CHECK_STR(fmt(18, -1), "\"char\"");
    CHECK_STR(fmt(1002, -1), "\"char\"[]");
    CHECK_STR(fmt(1185, 2), "timestamp(2) with time zone[]");
    CHECK_STR(fmt(700, 4), "real");
    CHECK_STR(fmt(23, 5), "integer");
    CHECK_STR(fmt(PG_OID_VECTOR, 3), "vector(3)");
    /* interval typmods as PostgreSQL stores them in pg_attribute.atttypmod */
    CHECK_STR(fmt(1186, 2147418115), "interval(3)");
    CHECK_STR(fmt(1186, 470286338), "interval day to second(2)");
    CHECK_STR(fmt(1186, 327679), "interval year");
    CHECK_STR(fmt(1186, 201392127), "interval hour to minute");
    CHECK_STR(fmt(1186, 134283263), "interval minute");
    CHECK_STR(fmt(1186, 458751), "interval year to month");
    CHECK_STR(fmt(1186, 589823), "interval day");
    CHECK_STR(fmt(1186, 67698687), "interval day to hour");
    CHECK_STR(fmt(1186, 268435457), "interval second(1)");
    CHECK_STR(fmt(1186, 469827583), "interval hour to second");
    CHECK_STR(fmt(1186, -1), "interval");
}

static void test_typmods_and_typlen(void)
{
    CHECK_INT(types_typmod_varchar(10), 14);
    CHECK_INT(types_typmod_varchar(-1), -1);
    CHECK_INT(types_typmod_numeric(10, 2), 655366);
    CHECK_INT(types_numeric_typmod_precision(655366), 10);
    CHECK_INT(types_numeric_typmod_scale(655366), 2);
    CHECK_INT(types_numeric_typmod_scale(types_typmod_numeric(3, -2)), -2);
    CHECK_INT(types_interval_typmod_precision(2147418115), 3);
    CHECK_INT(types_interval_typmod_range(2147418115), 0x7fff);
    CHECK_INT(types_interval_typmod_precision(327679), -1);
    CHECK_INT(types_typlen(23), 4);
    CHECK_INT(types_typlen(25), -1);
    CHECK_INT(types_typlen(2275), -2);
    CHECK_INT(types_typlen(19), 64);
    CHECK_INT(types_typlen(2950), 16);
}

static void test_has_binary(void)
{
    pg_oid yes[] = {16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184,
                    1186, 1266, 1700, 2950, 3802, PG_OID_VECTOR, 1007, 1009, 1231, 3807, PG_OID_VECTOR_ARRAY, 2205};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++)
        CHECK(types_has_binary(yes[i]));
    pg_oid no[] = {142, 600, 869, 3904, 2249, 1020, 0, 99999};
    for (size_t i = 0; i < ARRAY_LEN(no); i++)
        CHECK(!types_has_binary(no[i]));
}

int main(void)
{
    settings_reset();
    RUN(test_row_count);
    RUN(test_rows_match_catalog);
    RUN(test_every_row_reachable);
    RUN(test_sql_spellings);
    RUN(test_format_type);
    RUN(test_typmods_and_typlen);
    RUN(test_has_binary);
    return UNIT_DONE();
}
