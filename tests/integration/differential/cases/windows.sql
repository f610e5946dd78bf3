-- Window functions and frames.
create table emp (id int primary key, dept text, name text, salary int, hired date);
insert into emp values (1, 'eng', 'ann', 100, '2020-01-01'), (2, 'eng', 'bob', 120, '2021-03-01'), (3, 'eng', 'cid', 120, '2019-06-01'),
  (4, 'ops', 'dan', 90, '2022-01-01'), (5, 'ops', 'eve', 95, '2018-01-01'), (6, 'hr', 'fay', 80, '2020-05-05');
select id, row_number() over (order by id), rank() over (order by salary desc), dense_rank() over (order by salary desc) from emp order by id;
select id, dept, row_number() over (partition by dept order by salary desc, id) from emp order by dept, 3;
select id, sum(salary) over (partition by dept) as dept_total, avg(salary) over (partition by dept) from emp order by id;
select id, sum(salary) over (order by id) as running, sum(salary) over (order by id rows between 1 preceding and current row) from emp order by id;
select id, lag(salary) over (order by id), lead(salary, 2) over (order by id), lag(salary, 1, 0) over (order by id) from emp order by id;
select id, first_value(name) over (partition by dept order by salary desc), last_value(name) over (partition by dept order by id rows between unbounded preceding and unbounded following) from emp order by id;
select id, nth_value(name, 2) over (order by id rows between unbounded preceding and unbounded following) from emp order by id;
select id, ntile(3) over (order by id), percent_rank() over (order by salary), cume_dist() over (order by salary) from emp order by id;
select id, count(*) over w, max(salary) over w from emp window w as (partition by dept) order by id;
select id, sum(salary) over (order by salary range between unbounded preceding and current row) from emp order by id;
select id, sum(salary) over (order by id rows between current row and 1 following) from emp order by id;
select id, avg(salary) over (order by id groups between 1 preceding and current row) from emp order by id;
select dept, sum(salary), rank() over (order by sum(salary) desc) from emp group by dept order by dept;
select * from (select id, dept, row_number() over (partition by dept order by salary desc, id) as rn from emp) t where rn = 1 order by dept;
select id, string_agg(name, ',') over (partition by dept order by id) from emp order by id;
select id, count(*) filter (where salary > 95) over (order by id) from emp order by id;
select id, sum(salary) over (order by id rows between 1 preceding and 1 following exclude current row) from emp order by id;
select row_number() over () from emp where id = 1;
select id, rank() from emp;
select id from emp where row_number() over (order by id) = 1;
