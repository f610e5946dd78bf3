// The driver scenario through pgx v4 (golang-github-jackc-pgx-v4-dev, built offline in
// GOPATH mode by test_pgx.py), against PostgreSQL 15 and iris-pgwire.  pgx describes every
// statement, caches it as a named prepared statement, and sends and reads its built-in types
// in binary; Batch pipelines many statements before one Sync.
// Usage: scenario <connection-uri>; prints one line per step, exits 1 on a failure.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

var ctx = context.Background()
var failures = 0

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		failures++
		fmt.Printf("FAIL "+format+"\n", args...)
	}
}

func eq(want, got interface{}, what string) {
	check(reflect.DeepEqual(want, got), "%s: want %#v got %#v", what, want, got)
}

func must(err error, what string) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}

func code(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return fmt.Sprint(err)
}

func roundTrip(c *pgx.Conn) {
	_, err := c.Exec(ctx, "drop table if exists drv_pgx_t")
	must(err, "drop")
	_, err = c.Exec(ctx, `create table drv_pgx_t (id int primary key, b bool, i2 int2, i4 int4, i8 int8, f4 float4,
		f8 float8, n numeric, t text, vc varchar(20), bp char(5), nm name, by bytea, d date, tm time, ts timestamp,
		tz timestamptz, iv interval, u uuid, j json, jb jsonb, o oid, ai int4[], at text[], an numeric[], ab bool[],
		ai8 int8[], af8 float8[], ad date[], atz timestamptz[], au uuid[], aby bytea[])`)
	must(err, "create")
	num := pgtype.Numeric{Int: big.NewInt(-12345678900), Exp: -6, Status: pgtype.Present}
	d := time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)
	ts := time.Date(2020, 1, 1, 12, 34, 56, 789000000, time.UTC)
	tz := time.Date(2020, 1, 1, 12, 34, 56, 123456000, time.UTC)
	tm := pgtype.Time{Microseconds: (12*3600+34*60+56)*1000000 + 789000, Status: pgtype.Present}
	iv := pgtype.Interval{Months: 1, Days: 3, Microseconds: (4*3600+5*60+6)*1000000 + 500000, Status: pgtype.Present}
	u := [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}
	jsonV := map[string]interface{}{"a": []interface{}{1.0, 2.0}}
	jsonbV := map[string]interface{}{"b": "é"}
	oid := pgtype.OID(4000000000)
	big1 := strings.Repeat("0123456789abcdef", 65536)
	zeros := make([]byte, 5000)
	for i := range zeros {
		if i%3 == 0 {
			zeros[i] = byte(i)
		}
	}
	ins := `insert into drv_pgx_t values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		$19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)`
	ct, err := c.Exec(ctx, ins, 1, true, int16(-32768), int32(2147483647), int64(-9223372036854775808), float32(1.5), 0.1,
		num, "é€😀 unicode", "varchar", "ab", "a_name", []byte{0, 1, 0, 255}, d, tm, ts, tz, iv, u, jsonV, jsonbV, oid,
		[]*int32{int32p(1), nil, int32p(3)}, []*string{strp("a"), strp("b c"), nil, strp(""), strp("é\"\\")},
		[]float64{1.5, -0.001}, []bool{true, false}, []int64{1 << 40}, []float64{0.5, -1e300}, []time.Time{d},
		[]time.Time{tz}, [][16]byte{u}, [][]byte{{0, 1}, nil})
	must(err, "insert 1")
	eq("INSERT 0 1", ct.String(), "insert tag")
	_, err = c.Exec(ctx, "insert into drv_pgx_t (id) values ($1)", 2)
	must(err, "insert 2")
	_, err = c.Exec(ctx, "insert into drv_pgx_t (id, t, by) values ($1, $2, $3)", 3, big1, zeros)
	must(err, "insert 3")

	var (
		b                      bool
		i2                     int16
		i4                     int32
		i8                     int64
		f4                     float32
		f8                     float64
		n                      pgtype.Numeric
		t, vc, bp, nm, js, jbs string
		by                     []byte
		dd, tss, tzs           time.Time
		tmv                    pgtype.Time
		ivv                    pgtype.Interval
		uu                     [16]byte
		o                      pgtype.OID
		ai                     []*int32
		at                     []*string
		an                     []float64
		ab                     []bool
		ai8                    []int64
		af8                    []float64
		ad, atz                []time.Time
		au                     [][16]byte
		aby                    [][]byte
	)
	for round := 0; round < 3; round++ {
		err = c.QueryRow(ctx, `select b, i2, i4, i8, f4, f8, n, t, vc, bp, nm, by, d, tm, ts, tz, iv, u, j::text, jb::text, o,
			ai, at, an, ab, ai8, af8, ad, atz, au, aby from drv_pgx_t where id = $1`, 1).Scan(&b, &i2, &i4, &i8, &f4, &f8,
			&n, &t, &vc, &bp, &nm, &by, &dd, &tmv, &tss, &tzs, &ivv, &uu, &js, &jbs, &o, &ai, &at, &an, &ab, &ai8, &af8, &ad,
			&atz, &au, &aby)
		must(err, "select 1")
	}
	eq(true, b, "bool")
	eq(int16(-32768), i2, "int2")
	eq(int32(2147483647), i4, "int4")
	eq(int64(-9223372036854775808), i8, "int8")
	eq(float32(1.5), f4, "float4")
	eq(0.1, f8, "float8")
	check(n.Int.Cmp(big.NewInt(-12345678900)) == 0 && n.Exp == -6, "numeric: %v e%d", n.Int, n.Exp)
	eq("é€😀 unicode", t, "text")
	eq("varchar", vc, "varchar")
	eq("ab   ", bp, "bpchar")
	eq("a_name", nm, "name")
	eq([]byte{0, 1, 0, 255}, by, "bytea")
	eq(d, dd.UTC(), "date")
	eq(tm, tmv, "time")
	eq(ts, tss.UTC(), "timestamp")
	eq(tz, tzs.UTC(), "timestamptz")
	eq(iv, ivv, "interval")
	eq(u, uu, "uuid")
	eq(`{"a":[1,2]}`, js, "json") // json keeps the text pgx sent
	eq(`{"b": "é"}`, jbs, "jsonb")
	eq(oid, o, "oid")
	eq([]*int32{int32p(1), nil, int32p(3)}, ai, "int4[]")
	eq([]*string{strp("a"), strp("b c"), nil, strp(""), strp("é\"\\")}, at, "text[]")
	eq([]float64{1.5, -0.001}, an, "numeric[]")
	eq([]bool{true, false}, ab, "bool[]")
	eq([]int64{1 << 40}, ai8, "int8[]")
	eq([]float64{0.5, -1e300}, af8, "float8[]")
	check(len(ad) == 1 && ad[0].UTC().Equal(d), "date[]: %v", ad)
	check(len(atz) == 1 && atz[0].Equal(tz), "timestamptz[]: %v", atz)
	eq([][16]byte{u}, au, "uuid[]")
	eq([][]byte{{0, 1}, nil}, aby, "bytea[]")

	var nulls []interface{}
	rows, err := c.Query(ctx, "select b, i4, n, t, by, d, tz, iv, u, jb, ai from drv_pgx_t where id = $1", 2)
	must(err, "select 2")
	for rows.Next() {
		vals, err := rows.Values()
		must(err, "values")
		nulls = vals
	}
	must(rows.Err(), "rows 2")
	for i, v := range nulls {
		check(v == nil, "NULL column %d: %#v", i, v)
	}
	var bigT string
	var zb []byte
	must(c.QueryRow(ctx, "select t, by from drv_pgx_t where id = $1", 3).Scan(&bigT, &zb), "select 3")
	check(bigT == big1, "1 MB text")
	check(bytes.Equal(zb, zeros), "bytea with zero bytes")
	fmt.Println("round trip ok")
}

func dml(c *pgx.Conn) {
	_, err := c.Exec(ctx, "drop table if exists drv_pgx_dml")
	must(err, "drop")
	_, err = c.Exec(ctx, "create table drv_pgx_dml (id int primary key, v text)")
	must(err, "create")
	for i := 1; i <= 5; i++ {
		ct, err := c.Exec(ctx, "insert into drv_pgx_dml values ($1, $2)", i, fmt.Sprintf("v%d", i))
		must(err, "insert")
		eq(int64(1), ct.RowsAffected(), "insert count")
	}
	ct, err := c.Exec(ctx, "update drv_pgx_dml set v = $1 where id > $2", "big", 2)
	must(err, "update")
	eq(int64(3), ct.RowsAffected(), "update count")
	ct, err = c.Exec(ctx, "delete from drv_pgx_dml where v = $1", "big")
	must(err, "delete")
	eq(int64(3), ct.RowsAffected(), "delete count")
	fmt.Println("dml ok")
}

func batch(c *pgx.Conn) {
	tx, err := c.Begin(ctx)
	must(err, "begin")
	b := &pgx.Batch{}
	for i := 10; i < 60; i++ {
		b.Queue("insert into drv_pgx_dml values ($1, $2) returning id * 2", i, "b")
	}
	br := tx.SendBatch(ctx, b)
	for i := 10; i < 60; i++ {
		var twice int
		must(br.QueryRow().Scan(&twice), "batch row")
		eq(i*2, twice, "batch result in order")
	}
	must(br.Close(), "batch close")
	must(tx.Commit(ctx), "commit")
	// an error in the middle of a batch: the statements after it are not run
	tx, err = c.Begin(ctx)
	must(err, "begin 2")
	b = &pgx.Batch{}
	b.Queue("insert into drv_pgx_dml values ($1, $2)", 100, "x")
	b.Queue("insert into drv_pgx_dml values ($1, $2)", 1, "dup")
	b.Queue("insert into drv_pgx_dml values ($1, $2)", 101, "y")
	br = tx.SendBatch(ctx, b)
	_, err = br.Exec()
	must(err, "first of batch")
	_, err = br.Exec()
	eq("23505", code(err), "error in the middle")
	_, err = br.Exec()
	check(err != nil, "statement after the error must not succeed")
	br.Close()
	tx.Rollback(ctx)
	var count int
	must(c.QueryRow(ctx, "select count(*) from drv_pgx_dml").Scan(&count), "count")
	eq(52, count, "rows after failed batch")
	fmt.Println("batch ok")
}

func pages(c *pgx.Conn) {
	tx, err := c.Begin(ctx)
	must(err, "begin")
	_, err = tx.Exec(ctx, "declare drv_pgx_cur cursor for with recursive r(i) as (select 1 union all select i + 1 from r where i < 10000) select i from r")
	must(err, "declare")
	n, total := 0, 0
	for {
		rows, err := tx.Query(ctx, "fetch 1000 from drv_pgx_cur")
		must(err, "fetch")
		got := 0
		for rows.Next() {
			var i int
			must(rows.Scan(&i), "scan")
			got++
			total += i
		}
		must(rows.Err(), "fetch rows")
		if got == 0 {
			break
		}
		n += got
	}
	must(tx.Commit(ctx), "commit")
	eq(10000, n, "rows")
	eq(50005000, total, "sum")
	fmt.Println("pages ok")
}

func transactions(c *pgx.Conn) {
	_, err := c.Exec(ctx, "drop table if exists drv_pgx_txn")
	must(err, "drop")
	_, err = c.Exec(ctx, "create table drv_pgx_txn (id int)")
	must(err, "create")
	tx, err := c.Begin(ctx)
	must(err, "begin")
	_, err = tx.Exec(ctx, "insert into drv_pgx_txn values (1)")
	must(err, "insert")
	must(tx.Rollback(ctx), "rollback")
	tx, err = c.Begin(ctx)
	must(err, "begin")
	_, err = tx.Exec(ctx, "insert into drv_pgx_txn values (2)")
	must(err, "insert 2")
	nested, err := tx.Begin(ctx) // savepoint
	must(err, "savepoint")
	_, err = nested.Exec(ctx, "insert into drv_pgx_txn values (3)")
	must(err, "insert 3")
	must(nested.Rollback(ctx), "rollback to savepoint")
	must(tx.Commit(ctx), "commit")
	var ids []int32
	rows, err := c.Query(ctx, "select id from drv_pgx_txn order by id")
	must(err, "select")
	for rows.Next() {
		var id int32
		must(rows.Scan(&id), "scan")
		ids = append(ids, id)
	}
	must(rows.Err(), "rows")
	eq([]int32{2}, ids, "committed rows")
	tx, err = c.Begin(ctx)
	must(err, "begin 3")
	_, err = tx.Exec(ctx, "select * from no_such_table_pgx")
	eq("42P01", code(err), "missing table")
	_, err = tx.Exec(ctx, "select 1")
	eq("25P02", code(err), "failed transaction")
	tx.Rollback(ctx)
	for _, t := range []string{"drv_pgx_txn", "drv_pgx_dml", "drv_pgx_t"} {
		_, err = c.Exec(ctx, "drop table "+t)
		must(err, "drop "+t)
	}
	fmt.Println("transactions ok")
}

func int32p(v int32) *int32 { return &v }
func strp(v string) *string { return &v }

func main() {
	c, err := pgx.Connect(ctx, os.Args[1])
	must(err, "connect")
	defer c.Close(ctx)
	roundTrip(c)
	dml(c)
	batch(c)
	pages(c)
	transactions(c)
	if failures > 0 {
		fmt.Printf("scenario failed: %d\n", failures)
		os.Exit(1)
	}
	fmt.Println("scenario ok")
}
