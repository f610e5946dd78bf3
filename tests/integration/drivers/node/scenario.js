// The driver scenario through node-postgres (npm `pg`, `pg-cursor`), run by test_node_pg.py
// against PostgreSQL 15 and iris-pgwire.  node-postgres sends every parameter as text with
// type 0 (the server infers it), reads text results, and pg-cursor pages through a portal
// with Execute row limits and Flush (no Sync until the cursor closes).
// Usage: node scenario.js <connection-uri>; prints one line per step, exits 1 on a failure.
'use strict';
const { Client } = require('pg');
const Cursor = require('pg-cursor');
const assert = require('assert');

async function roundTrip(c) {
  await c.query('drop table if exists drv_node_t');
  await c.query(`create table drv_node_t (id int primary key, b bool, i2 int2, i4 int4, i8 int8, f4 float4,
    f8 float8, n numeric, t text, vc varchar(20), bp char(5), nm name, by bytea, d date, tm time, ts timestamp,
    tz timestamptz, iv interval, u uuid, j json, jb jsonb, o oid, ai int4[], at text[], an numeric[], ab bool[],
    ad date[], aby bytea[])`);
  const big = '0123456789abcdef'.repeat(65536);
  const zeros = Buffer.alloc(5000);
  for (let i = 0; i < zeros.length; i += 3) zeros[i] = i % 256;
  const row = [1, true, -32768, 2147483647, '-9223372036854775808', 1.5, 0.1, '-12345.678900', 'é€😀 unicode',
    'varchar', 'ab', 'a_name', Buffer.from([0, 1, 0, 255]), '2020-02-29', '12:34:56.789', '2020-01-01 12:34:56.789',
    new Date(Date.UTC(2020, 0, 1, 12, 34, 56, 123)), '1 mon 3 days 04:05:06.5',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', { a: [1, 2] }, { b: 'é' }, 4000000000, [1, null, 3],
    ['a', 'b c', null, '', 'é"\\'], ['1.5', '-0.001'], [true, false], ['2020-01-01'], [Buffer.from([0, 1]), null]];
  const ph = row.map((_, i) => `$${i + 1}`).join(', ');
  let r = await c.query(`insert into drv_node_t values (${ph})`, row);
  assert.strictEqual(r.rowCount, 1);
  await c.query('insert into drv_node_t (id) values ($1)', [2]);
  await c.query('insert into drv_node_t (id, t, by) values ($1, $2, $3)', [3, big, zeros]);
  r = await c.query('select * from drv_node_t where id = $1', [1]);
  const g = r.rows[0];
  assert.strictEqual(g.b, true);
  assert.strictEqual(g.i2, -32768);
  assert.strictEqual(g.i4, 2147483647);
  assert.strictEqual(g.i8, '-9223372036854775808');
  assert.strictEqual(g.f4, 1.5);
  assert.strictEqual(g.f8, 0.1);
  assert.strictEqual(g.n, '-12345.678900');
  assert.strictEqual(g.t, 'é€😀 unicode');
  assert.strictEqual(g.vc, 'varchar');
  assert.strictEqual(g.bp, 'ab   ');
  assert.strictEqual(g.nm, 'a_name');
  assert.deepStrictEqual(g.by, Buffer.from([0, 1, 0, 255]));
  assert.strictEqual(g.tm, '12:34:56.789');
  assert.strictEqual(g.tz.getTime(), Date.UTC(2020, 0, 1, 12, 34, 56, 123));
  assert.deepStrictEqual({ ...g.iv }, { months: 1, days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 500 });
  assert.strictEqual(g.u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  assert.deepStrictEqual(g.j, { a: [1, 2] });
  assert.deepStrictEqual(g.jb, { b: 'é' });
  assert.strictEqual(g.o, 4000000000);
  assert.deepStrictEqual(g.ai, [1, null, 3]);
  assert.deepStrictEqual(g.at, ['a', 'b c', null, '', 'é"\\']);
  assert.deepStrictEqual(g.an, [1.5, -0.001]);   // pg-types parses numeric[] elements as numbers
  assert.deepStrictEqual(g.ab, [true, false]);
  assert.deepStrictEqual(g.aby, [Buffer.from([0, 1]), null]);
  r = await c.query('select d::text, ts::text, ad::text from drv_node_t where id = $1', [1]);
  assert.deepStrictEqual(r.rows[0], { d: '2020-02-29', ts: '2020-01-01 12:34:56.789', ad: '{2020-01-01}' });
  r = await c.query('select * from drv_node_t where id = $1', [2]);
  assert.strictEqual(Object.values(r.rows[0]).filter((v) => v !== null).length, 1);
  r = await c.query('select t, by from drv_node_t where id = $1', [3]);
  assert.strictEqual(r.rows[0].t, big);
  assert.deepStrictEqual(r.rows[0].by, zeros);
  console.log('round trip ok');
}

async function dml(c) {
  await c.query('drop table if exists drv_node_dml');
  await c.query('create table drv_node_dml (id int primary key, v text)');
  for (let i = 1; i <= 5; i++) assert.strictEqual((await c.query('insert into drv_node_dml values ($1, $2)', [i, `v${i}`])).rowCount, 1);
  assert.strictEqual((await c.query('update drv_node_dml set v = $1 where id > $2', ['big', 2])).rowCount, 3);
  assert.strictEqual((await c.query('delete from drv_node_dml where v = $1', ['big'])).rowCount, 3);
  const r = await c.query('insert into drv_node_dml values ($1, $2) returning id, v', [10, 'r']);
  assert.deepStrictEqual([r.command, r.rowCount, r.rows], ['INSERT', 1, [{ id: 10, v: 'r' }]]);
  console.log('dml ok');
}

async function queuedWithError(c) {
  // Queries queued back to back inside a transaction: the failing one poisons the rest.
  await c.query('begin');
  const results = await Promise.allSettled([
    c.query('insert into drv_node_dml values ($1, $2)', [20, 'a']),
    c.query('insert into drv_node_dml values ($1, $2)', [1, 'dup']),
    c.query('insert into drv_node_dml values ($1, $2)', [21, 'b']),
  ]);
  assert.deepStrictEqual(results.map((x) => x.status), ['fulfilled', 'rejected', 'rejected']);
  assert.strictEqual(results[1].reason.code, '23505');
  assert.strictEqual(results[2].reason.code, '25P02');
  await c.query('rollback');
  assert.strictEqual((await c.query('select count(*)::int as n from drv_node_dml')).rows[0].n, 3);
  console.log('queued with error ok');
}

async function pages(c) {
  const cursor = c.query(new Cursor('with recursive r(i) as (select 1 union all select i + 1 from r where i < $1) select i from r', [10000]));
  let n = 0, total = 0;
  for (;;) {
    const rows = await cursor.read(1000);
    if (!rows.length) break;
    n += rows.length;
    for (const row of rows) total += row.i;
  }
  await cursor.close();
  assert.deepStrictEqual([n, total], [10000, 50005000]);
  console.log('pages ok');
}

async function transactions(c) {
  await c.query('drop table if exists drv_node_txn');
  await c.query('create table drv_node_txn (id int)');
  await c.query('begin');
  await c.query('insert into drv_node_txn values (1)');
  await c.query('rollback');
  await c.query('begin');
  await c.query('insert into drv_node_txn values (2)');
  await c.query('savepoint s1');
  await c.query('insert into drv_node_txn values (3)');
  await c.query('rollback to savepoint s1');
  await c.query('commit');
  assert.deepStrictEqual((await c.query('select id from drv_node_txn')).rows, [{ id: 2 }]);
  await c.query('begin');
  await assert.rejects(c.query('select * from no_such_table_node'), { code: '42P01' });
  await assert.rejects(c.query('select 1'), { code: '25P02' });
  await c.query('rollback');
  for (const t of ['drv_node_txn', 'drv_node_dml', 'drv_node_t']) await c.query(`drop table ${t}`);
  console.log('transactions ok');
}

(async () => {
  const c = new Client({ connectionString: process.argv[2] });
  await c.connect();
  try {
    await roundTrip(c);
    await dml(c);
    await queuedWithError(c);
    await pages(c);
    await transactions(c);
    console.log('scenario ok');
  } catch (e) {
    console.log('FAIL', e && e.stack ? e.stack : e);
    process.exitCode = 1;
  } finally {
    await c.end();
  }
})();
