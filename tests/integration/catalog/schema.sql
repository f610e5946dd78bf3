-- The schema the catalog tests create on PostgreSQL 15 and on iris-pgwire alike: tables with
-- every type the server supports, primary, foreign and unique keys, checks, defaults, serial
-- and identity columns, indexes (multi-column, descending, expression, partial), views,
-- comments, a second schema.
create table customers (
  id serial primary key,
  email varchar(200) not null unique,
  name text,
  created_at timestamptz default now(),
  active boolean not null default true,
  score numeric(10,2) check (score >= 0),
  note character(5),
  rating smallint default 3 check (rating between 1 and 5)
);
comment on table customers is 'people who buy';
comment on column customers.email is 'login address';
create table orders (
  order_id bigserial primary key,
  customer_id integer not null references customers(id) on delete cascade,
  amount double precision,
  qty smallint default 1,
  placed date,
  at_time time,
  stamp timestamp(3),
  tags text[],
  payload jsonb,
  raw bytea,
  uid uuid,
  span interval,
  f4 real,
  big bigint,
  j json,
  price numeric,
  code varchar,
  label text default 'it''s' check (label <> ''),
  total numeric(12,3) default 0 check (total >= 0 and total < 1000000),
  flags integer[] default '{}',
  ttz time(3) with time zone,
  ival interval(3),
  ch "char",
  nm name,
  ref oid,
  ip inet,
  seq_hint integer default (1 + 2) * 3
);
create index orders_placed_idx on orders (placed);
create unique index orders_uid_key2 on orders (uid);
create index orders_multi on orders (customer_id, placed desc);
create index orders_lower_code on orders (lower(code));
create index orders_big_partial on orders (big) where big > 0;
create view big_orders as select order_id, amount from orders where amount > 100;
create view customer_totals as select c.name, sum(o.amount) as spent from customers c join orders o on o.customer_id = c.id group by c.name;
comment on view big_orders is 'orders above 100';
create table items (
  id integer generated always as identity primary key,
  sku text not null,
  warehouse integer not null,
  unique (sku, warehouse)
);
create table order_items (
  order_id bigint not null references orders(order_id),
  sku text not null,
  warehouse integer not null,
  quantity integer not null default 1 check (quantity > 0),
  primary key (order_id, sku),
  foreign key (sku, warehouse) references items (sku, warehouse) on update cascade
);
create schema sales;
create table sales.regions (code char(2) primary key, label varchar(40) unique);
comment on column sales.regions.label is 'display name';
create table sales.targets (region char(2) references sales.regions(code), year integer, goal numeric(14,2), primary key (region, year));
create table other_types (
  id integer primary key,
  b bit(3),
  vb bit varying(8),
  m money,
  mac macaddr,
  mac8 macaddr8,
  net cidr,
  pt point,
  bx box,
  ln line,
  ls lseg,
  pa path,
  pg polygon,
  ci circle,
  x xml,
  tv tsvector,
  tq tsquery,
  jp jsonpath,
  lsn pg_lsn,
  x8 xid8,
  tz2 timestamptz(2),
  nums numeric[],
  names varchar(10)[],
  uids uuid[],
  days date[],
  vc character varying(30) default 'none'::character varying,
  t2 time(2) without time zone,
  rc regclass,
  rt regtype
);
comment on column other_types.pt is 'a point';
create view active_customers as select id, email from customers where active;
create index other_types_names on other_types (vc, id);
