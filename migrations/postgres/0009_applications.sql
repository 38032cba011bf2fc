-- Which applications evaluated each flag in each environment, and when last (SDK event
-- batches name their application). '' is the version of an application that sent none.
create table flag_application (
    environment_id bigint not null references environment (id) on delete cascade,
    flag_key text not null,
    application text not null,
    version text not null,
    at bigint not null,
    primary key (environment_id, flag_key, application, version)
);
