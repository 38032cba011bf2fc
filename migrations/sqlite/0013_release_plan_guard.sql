-- Release plans that notice manual changes and can start where approval is required.
-- See docs/release-safety.md and decision 0024.

-- What the plan last wrote to (or accepted of) its place, JSON {"enabled", "serve",
-- "variants"}: a look that finds the place otherwise pauses the plan instead of
-- overwriting a change made by hand (null before the plan first wrote).
alter table release_plan add column place text;
-- The change request whose approval starts the plan, in an environment that requires
-- approval (null otherwise).
alter table release_plan add column change_request_id bigint;
