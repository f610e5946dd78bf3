// pgx_types: what pgx asks the catalog about a type, printed one line per query.
//
// For each type name given, it sends over pgx's extended protocol the queries pgx v5's
// Conn.LoadType sends (the name through regtype, the kind, then the array element, the
// composite's fields, the enum labels, the range / multirange subtypes, the domain base),
// and the lookup pgx v4 applications do to register a type by name.  The output of a run
// against PostgreSQL 15 and against iris-pgwire is compared by test_catalog_drivers.py.
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o pgx_types main.go
// Usage: pgx_types DSN TYPE...
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v4"
)

func row(ctx context.Context, conn *pgx.Conn, label string, sql string, args ...interface{}) []interface{} {
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		fmt.Printf("%s: error %v\n", label, err)
		return nil
	}
	defer rows.Close()
	var last []interface{}
	n := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			fmt.Printf("%s: error %v\n", label, err)
			return nil
		}
		fmt.Printf("%s: %v\n", label, vals)
		last = vals
		n++
	}
	if err := rows.Err(); err != nil {
		fmt.Printf("%s: error %v\n", label, err)
		return nil
	}
	fmt.Printf("%s: %d rows\n", label, n)
	return last
}

func main() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, os.Args[1])
	if err != nil {
		fmt.Println("connect:", err)
		os.Exit(1)
	}
	defer conn.Close(ctx)
	for _, name := range os.Args[2:] {
		var oid uint32
		if err := conn.QueryRow(ctx, "select $1::text::regtype::oid;", name).Scan(&oid); err != nil {
			fmt.Printf("%s regtype: error %v\n", name, err)
			continue
		}
		fmt.Printf("%s regtype: found\n", name)
		kind := row(ctx, conn, name+" kind", "select typtype::text, typbasetype from pg_type where oid=$1", oid)
		if kind == nil {
			continue
		}
		switch kind[0] {
		case "b":
			row(ctx, conn, name+" element", "select typelem::regtype::text from pg_type where oid=$1", oid)
			row(ctx, conn, name+" element oid", "select typelem from pg_type where oid=$1", oid)
		case "c":
			var relid uint32
			if err := conn.QueryRow(ctx, "select typrelid from pg_type where oid=$1", oid).Scan(&relid); err != nil {
				fmt.Printf("%s typrelid: error %v\n", name, err)
				continue
			}
			row(ctx, conn, name+" fields", `select attname, atttypid
from pg_attribute
where attrelid=$1
	and not attisdropped
	and attnum > 0
order by attnum`, relid)
		case "e":
			row(ctx, conn, name+" labels", "select enumlabel from pg_enum where enumtypid=$1 order by enumsortorder", oid)
		case "r":
			row(ctx, conn, name+" subtype", "select rngsubtype from pg_range where rngtypid=$1", oid)
		case "m":
			row(ctx, conn, name+" range", "select rngtypid from pg_range where rngmultitypid=$1", oid)
		case "d":
			row(ctx, conn, name+" base", "select typbasetype::regtype::text from pg_type where oid=$1", oid)
		}
		// pgx v4 applications: the OID by name, to register a data type.
		row(ctx, conn, name+" by name", "select t.oid::regtype::text, t.typname from pg_type t where t.oid = $1::text::regtype", name)
	}
}
