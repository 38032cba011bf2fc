-- The prerequisite edges of every configuration, one row per (configuration,
-- prerequisite flag key). A write that changes a flag's prerequisites finds the flags
-- that require it through this index instead of scanning the text of every
-- configuration of the environment (issue 16, decision 0041). Triggers keep the rows,
-- so that every writer of `flag_config` keeps them, whatever its version. A
-- configuration with a prerequisite holds the text "flag" (its key), so the others skip
-- the JSON work.
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

create trigger flag_prerequisite_on_insert after insert on flag_config
when new.config like '%"flag"%'
begin
    insert into flag_prerequisite (flag_id, environment_id, prerequisite)
    select distinct new.flag_id, new.environment_id, json_extract(p.value, '$.flag')
    from json_each(new.config, '$.prerequisites') p
    where json_extract(p.value, '$.flag') is not null;
end;

create trigger flag_prerequisite_on_update after update of config on flag_config
when old.config like '%"flag"%' or new.config like '%"flag"%'
begin
    delete from flag_prerequisite where flag_id = new.flag_id and environment_id = new.environment_id;
    insert into flag_prerequisite (flag_id, environment_id, prerequisite)
    select distinct new.flag_id, new.environment_id, json_extract(p.value, '$.flag')
    from json_each(new.config, '$.prerequisites') p
    where json_extract(p.value, '$.flag') is not null;
end;
