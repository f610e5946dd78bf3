-- pgvector's type: literals, casts both ways, typmod checks
select '[1,2,3]'::vector;
select '[1,2,3]'::vector(3), $1::vector(3);
select array[1,2,3]::vector, '{1.5,2}'::real[]::vector, '[1,2]'::vector::real[], '[1,2]'::vector::float8[];
select '[1,2]'::vector(0);
select '[1,2]'::vector(16001);
-- operators and functions on the engine's pgw_vector_* functions
select embedding <-> $1, embedding <#> $1, embedding <=> $1, embedding <+> $1 from docs;
select l2_distance(embedding, '[1,1,1]'), inner_product(embedding, '[1,1,1]'), cosine_distance(embedding, '[1,1,1]'), l1_distance(embedding, '[1,1,1]') from docs;
select vector_dims(embedding), vector_norm(embedding), l2_normalize(embedding), subvector(embedding, 1, 2) from docs;
select embedding + '[1,1,1]', embedding - '[1,1,1]', embedding * '[2,2,2]', embedding || '[4]' from docs;
select embedding = '[1,2,3]', embedding < '[1,2,3]' from docs order by embedding;
select avg(embedding), sum(embedding) from docs group by cat;
-- ORDER BY distance LIMIT k with the HNSW index: the search table function, then the rows
select id from docs order by embedding <-> $1 limit 5;
select id, embedding <-> $1 as d from docs where cat = $2 order by embedding <-> $1 limit $3;
select id from docs order by embedding <-> '[1,2,3]' limit 10 offset 2;
-- another metric than the index's: exact top-k, never a sort
select id from docs order by embedding <=> $1 limit 5;
-- no index: exact top-k over the scan
select id from notes order by v <-> $1 limit 3;
select id from notes where id > 10 order by l2_distance(v, $1) limit 3;
-- not rewritten: no LIMIT, descending order, a second sort key
select id from docs order by embedding <-> $1;
select id from docs order by embedding <-> $1 desc limit 5;
select id from docs order by embedding <-> $1, id limit 5;
-- EXPLAIN says whether the index is used
explain select id from docs order by embedding <-> '[1,2,3]' limit 5;
explain select id from notes order by v <-> '[1,2,3]' limit 5;
-- CREATE INDEX: the definition names the operator class as pg_get_indexdef does (unless it
-- is the method's default: vector_l2_ops for ivfflat; hnsw has none); pgvector's checks
create index on notes using hnsw (v vector_l2_ops);
create index on notes using hnsw (v vector_cosine_ops) with (m = 8, ef_construction = 32);
create index on notes using ivfflat (v vector_l2_ops) with (lists = 100);
create index on notes using hnsw (v vector_l2_ops) with (m = 1);
create index on notes using hnsw (v);
create index on notes using hnsw (v vector_l2_ops) with (ef_construction = 4, m = 16);
create index on notes using hnsw (v text_ops);
create index on docs using hnsw (cat);
create index on notes using gist (v);
drop index docs_embedding;
