/*
 * odbc_iris_errors.c — InterSystems IRIS SQLCODEs mapped to PostgreSQL SQLSTATEs.
 *
 * IRIS reports an SQL error as a negative SQLCODE; through ODBC and JDBC the code arrives as
 * a positive native error number ("if an ODBC or JDBC application returns error code 30,
 * look up error code -30").  Source of every code and its meaning: "SQL Error Messages",
 * https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RERR_sql
 * (also the pages of the statements that raise them: LIMIT for -386, SAVEPOINT for -301,
 * -302 and -375, VECTOR_COSINE for -257..-259).  SQLCODE 100 ("no (more) data") is not an
 * error: SQLExecute's SQL_NO_DATA is success with 0 rows (odbc_stmt.c).
 *
 * A code not in the table keeps the driver's SQLSTATE (mapped by odbc.c), never a blanket
 * code chosen here.
 */
#include <stddef.h>

typedef struct {
    int sqlcode;
    const char *sqlstate;
} iris_code;

static const iris_code codes[] = {
    {-1, "42601"},    /* Invalid SQL statement */
    {-3, "42601"},    /* Closing quote (") missing */
    {-25, "42601"},   /* Input encountered after end of query */
    {-29, "42703"},   /* Field not found in the applicable tables */
    {-30, "42P01"},   /* Table or view not found */
    {-99, "42501"},   /* Privilege violation */
    {-104, "22000"},  /* Field validation failed in INSERT (or value conversion failed) */
    {-105, "22000"},  /* Field validation failed in UPDATE */
    {-108, "23502"},  /* Required field missing; INSERT or UPDATE not allowed */
    {-110, "55P03"},  /* Locking conflict in filing */
    {-114, "55P03"},  /* One or more matching rows is locked by another user */
    {-115, "42809"},  /* Cannot INSERT/UPDATE/DELETE on a read only table */
    {-116, "42601"},  /* Cardinality mismatch between the VALUES list and the column list */
    {-119, "23505"},  /* UNIQUE or PRIMARY KEY constraint failed uniqueness check upon INSERT */
    {-120, "23505"},  /* ... upon UPDATE */
    {-121, "23503"},  /* FOREIGN KEY constraint failed referential check upon INSERT */
    {-122, "23503"},  /* ... upon UPDATE of a row in the referencing table */
    {-123, "23503"},  /* ... upon UPDATE of a row in the referenced table */
    {-124, "23503"},  /* ... upon DELETE of a row in the referenced table */
    {-125, "23505"},  /* UNIQUE or PRIMARY KEY constraint failed uniqueness check upon creation */
    {-127, "23503"},  /* FOREIGN KEY constraint failed referential check upon creation */
    {-136, "44000"},  /* View's WITH CHECK OPTION validation failed in INSERT */
    {-137, "44000"},  /* ... in UPDATE */
    {-138, "428C9"},  /* Cannot INSERT/UPDATE a value for a read only field */
    {-139, "40001"},  /* Concurrency failure on update: row versions not the same */
    {-140, "22011"},  /* Invalid length parameter passed to the SUBSTRING function */
    {-141, "22P02"},  /* Invalid input value passed to the CONVERT function */
    {-201, "42P07"},  /* Table or view name not unique */
    {-257, "22000"},  /* vectors of different lengths (VECTOR_COSINE, VECTOR_DOT_PRODUCT) */
    {-258, "42804"},  /* vector of a non-numeric type */
    {-259, "42804"},  /* vectors of different numeric types */
    {-301, "42601"},  /* SAVEPOINT without a valid name */
    {-302, "42939"},  /* SAVEPOINT name starting with "SYS" (reserved) */
    {-306, "42701"},  /* Column with this name already exists */
    {-307, "42P16"},  /* Primary key already defined for this table */
    {-315, "42710"},  /* Constraint or index name not unique */
    {-324, "42P07"},  /* Index with this name already defined for this table */
    {-333, "42704"},  /* No such index defined */
    {-375, "3B001"},  /* Cannot ROLLBACK to unestablished savepoint */
    {-386, "42601"},  /* TOP, LIMIT and FETCH mixed in one query */
    {-400, "XX000"},  /* Fatal error occurred */
    {-415, "XX000"},  /* Fatal error occurred within the SQL filer */
};

const char *iris_sqlcode_sqlstate(int sqlcode, const char **message);

const char *iris_sqlcode_sqlstate(int sqlcode, const char **message)
{
    *message = NULL;   /* IRIS's own text is kept: it names the table, field or constraint */
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        if (codes[i].sqlcode == sqlcode)
            return codes[i].sqlstate;
    return NULL;
}
