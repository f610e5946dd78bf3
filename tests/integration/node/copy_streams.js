// COPY through node-postgres and pg-copy-streams (tests/integration/test_copy_clients.py).
// Usage: node copy_streams.js PORT
const { Client } = require('pg');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const { pipeline } = require('stream/promises');
const { Readable, Writable } = require('stream');

async function main() {
  const port = parseInt(process.argv[2], 10);
  const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query('drop table if exists copy_cli');
  await c.query('create table copy_cli (id int primary key, name text, score float8)');
  const chunks = ['1\tone\t1\n2\tt', 'wo\t2.5\n3\t\\N\t\\N\n'];
  const ingest = c.query(copyFrom('COPY copy_cli FROM STDIN'));
  await pipeline(Readable.from(chunks), ingest);
  console.log('from ' + ingest.rowCount);
  const parts = [];
  const sink = new Writable({ write(chunk, enc, cb) { parts.push(chunk); cb(); } });
  const out = c.query(copyTo('COPY (SELECT * FROM copy_cli ORDER BY id) TO STDOUT WITH (FORMAT csv)'));
  await pipeline(out, sink);
  console.log('to ' + out.rowCount);
  process.stdout.write(Buffer.concat(parts).toString());
  try {
    const bad = c.query(copyFrom('COPY copy_cli FROM STDIN'));
    await pipeline(Readable.from(['9\tx\tnope\n']), bad);
  } catch (e) { console.log('error ' + e.code); }
  await c.end();
}
main().catch((e) => { console.error(e); process.exit(1); });
