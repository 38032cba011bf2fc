-- Compiled size in bytes of the regular expressions of each configuration and segment
-- (vexil-core's validate::regex_bytes_of_*), so that a write can check what an
-- environment serves in total without compiling it. Null until computed: the server
-- fills it in at start for rows written before this column existed.
alter table flag_config add column regex_bytes bigint;
alter table segment add column regex_bytes bigint;
