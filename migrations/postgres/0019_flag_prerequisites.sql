-- The prerequisite edges of every configuration, one row per (configuration,
-- prerequisite flag key). A write that changes a flag's prerequisites finds the flags
-- that require it through this index instead of scanning the text of every
-- configuration of the environment (issue 16, decision 0041). A trigger keeps the rows,
-- so that every writer of `flag_config` keeps them, whatever its version (replicas of
-- the previous version during a rolling upgrade too). A configuration with a
-- prerequisite holds the text "flag" (its key), so the others skip the JSON work.
create table flag_prerequisite (
    flag_id bigint not null,
    environment_id bigint not null,
    prerequisite text not null,
    primary key (flag_id, environment_id, prerequisite),
    foreign key (flag_id, environment_id) references flag_config (flag_id, environment_id) on delete cascade
);
create index flag_prerequisite_by_key on flag_prerequisite (environment_id, prerequisite);
insert into flag_prerequisite (flag_id, environment_id, prerequisite)
select distinct c.flag_id, c.environment_id, p ->> 'flag'
from flag_config c, jsonb_array_elements(coalesce(c.config::jsonb -> 'prerequisites', '[]'::jsonb)) p
where p ->> 'flag' is not null;

create function flag_prerequisite_on_write() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        delete from flag_prerequisite where flag_id = new.flag_id and environment_id = new.environment_id;
    end if;
    if new.config like '%"flag"%' then
        insert into flag_prerequisite (flag_id, environment_id, prerequisite)
        select distinct new.flag_id, new.environment_id, p ->> 'flag'
        from jsonb_array_elements(coalesce(new.config::jsonb -> 'prerequisites', '[]'::jsonb)) p
        where p ->> 'flag' is not null;
    end if;
    return null;
end;
$$;
create trigger flag_prerequisite_on_write after insert or update of config on flag_config
    for each row execute function flag_prerequisite_on_write();
