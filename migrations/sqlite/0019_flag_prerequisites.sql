-- The prerequisite edges of every configuration, one row per (configuration,
-- prerequisite flag key), kept by the statements that write configurations. A write that
-- changes a flag's prerequisites finds the flags that require it through this index
-- instead of scanning the text of every configuration of the environment (issue 16).
create table flag_prerequisite (
    flag_id bigint not null,
    environment_id bigint not null,
    prerequisite text not null,
    primary key (flag_id, environment_id, prerequisite),
    foreign key (flag_id, environment_id) references flag_config (flag_id, environment_id) on delete cascade
);
create index flag_prerequisite_by_key on flag_prerequisite (environment_id, prerequisite);
insert into flag_prerequisite (flag_id, environment_id, prerequisite)
select distinct c.flag_id, c.environment_id, json_extract(p.value, '$.flag')
from flag_config c, json_each(c.config, '$.prerequisites') p
where json_extract(p.value, '$.flag') is not null;
