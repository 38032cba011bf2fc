-- Flag search by a trigram index is PostgreSQL's (decision 0038): SQLite has no such
-- index, so it keeps matching the flag's columns and tags directly and needs no search
-- column. This file keeps the two databases' migration numbers in step.
select 1;
