-- rule: <=> (cosine distance) is 1 - VECTOR_COSINE; '[…]' literals are TO_VECTOR('…', FLOAT, n)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_vectorcosine
select id, embedding <=> '[0.1,0.2,0.3]' as d from items order by d limit 3

-- rule: <#> (negative inner product) is -VECTOR_DOT_PRODUCT
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_vectordotproduct
select id from items order by embedding <#> '[1,0,0]' limit 3

-- rule: IRIS documents no L2 function: <-> is SQRT(a·a - 2a·b + b·b) with VECTOR_DOT_PRODUCT
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_vectordotproduct
select id, embedding <-> $1 from items

-- rule: a vector literal inserted into a VECTOR(FLOAT, 3) column
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_tovector
insert into items (name, embedding) values ('v', '[1,2,3]')

-- rule: iris_vector_type = DOUBLE: vector(n) columns are VECTOR(DOUBLE, n)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
-- vector_type: DOUBLE
create table docs (id integer primary key, embedding vector(768))

-- rule: iris_vector_type = DOUBLE: literals name the same element type as the column
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_tovector
-- vector_type: DOUBLE
select id from items order by embedding <=> '[1,0,0]' limit 3
