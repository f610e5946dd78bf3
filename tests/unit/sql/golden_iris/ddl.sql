-- rule: serial becomes an IDENTITY field; boolean BIT; double precision DOUBLE; text VARCHAR(65535); vector(n) VECTOR(FLOAT, n); public SQLUser
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_createtable
create table docs (id serial primary key, title varchar(200) not null, body text, rank double precision, published boolean default false, embedding vector(384))

-- rule: GENERATED ... AS IDENTITY on bigint is a BIGINT IDENTITY
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_createtable
create table events (id bigint generated always as identity primary key, at timestamptz, amount numeric(12,2))

-- rule: CHECK constraints are not part of IRIS's CREATE TABLE: 0A000 rather than dropping them
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_createtable
create table bad (n integer check (n > 0))

-- rule: CREATE INDEX ... USING hnsw (col vector_cosine_ops) WITH (m, ef_construction) is AS HNSW(Distance='Cosine', M, efConstruction)
-- doc: https://irisdocs.intersystems.com/irisforhealthlatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_vecsearch
create index items_emb on items using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 200)

-- rule: vector_ip_ops is Distance='DotProduct'
-- doc: https://irisdocs.intersystems.com/irisforhealthlatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_vecsearch
create index on items using hnsw (embedding vector_ip_ops)

-- rule: IRIS's HNSW has no L2 distance: vector_l2_ops is 0A000
-- doc: https://irisdocs.intersystems.com/irisforhealthlatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_vecsearch
create index on items using hnsw (embedding vector_l2_ops)

-- rule: ordinary indexes
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_createindex
create unique index items_name on items (name)

-- rule: DROP TABLE on the engine table
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_droptable
drop table orders

-- rule: CREATE EXTENSION vector is accepted: IRIS's vectors are built in
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
create extension if not exists vector
