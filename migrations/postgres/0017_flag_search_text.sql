-- Flag search (`q`) by a trigram index (decision 0038). `search_text` holds, one per
-- line, what the search matches and as it compares it: lower(key), lower(name),
-- lower(owner), lower(links), lower(properties), then the flag's tags as stored. A term
-- without a line break occurs in it exactly when it occurs in one of those, so
-- `search_text like '%term%'` gives the search's answer and the GIN trigram index below
-- serves it for terms of three characters or more. Kept by the triggers below, so
-- that no write (the store's, or an operator's SQL) can leave it behind.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;

alter table flag add column search_text text not null default '';

-- The search text of flag `f`, reading its tags from flag_tag.
create function flag_search_text(f flag) returns text language plpgsql stable as $$
begin
    return lower(f.key) || chr(10) || lower(f.name) || chr(10) || lower(f.owner) || chr(10)
        || lower(f.links) || chr(10) || lower(f.properties)
        || coalesce((select chr(10) || string_agg(t.tag, chr(10) order by t.tag)
                     from flag_tag t where t.flag_id = f.id), '');
end
$$;

create function flag_search_text_on_write() returns trigger language plpgsql as $$
begin
    new.search_text := flag_search_text(new);
    return new;
end
$$;

create trigger flag_search_text_on_write
    before insert or update of key, name, owner, links, properties on flag
    for each row execute function flag_search_text_on_write();

-- A flag's tags are replaced by one delete and one insert per tag: the flag's text is
-- brought up to date once, at commit, and only written when it changed (a definition
-- write that keeps the tags writes no second row version).
create function flag_search_text_on_tags() returns trigger language plpgsql as $$
declare
    id_of bigint;
begin
    foreach id_of in array case tg_op when 'INSERT' then array[new.flag_id]
                                      when 'DELETE' then array[old.flag_id]
                                      else array[old.flag_id, new.flag_id] end loop
        update flag f set search_text = flag_search_text(f)
        where f.id = id_of and f.search_text is distinct from flag_search_text(f);
    end loop;
    return null;
end
$$;

create constraint trigger flag_search_text_on_tags after insert or update or delete on flag_tag
    deferrable initially deferred
    for each row execute function flag_search_text_on_tags();

update flag f set search_text = flag_search_text(f);

create index flag_search on flag using gin (search_text gin_trgm_ops);

-- The planner estimates how many flags a term matches from these statistics.
analyze flag;
