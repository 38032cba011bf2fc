-- What the author said about a change, e.g. why a flag was switched off in production;
-- null when nothing was said.
alter table audit add column comment text;
