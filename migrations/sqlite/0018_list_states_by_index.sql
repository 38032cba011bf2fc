-- The flags list reads, per flag of a page, its newest configuration save and its last
-- evaluation: one index seek each instead of every configuration and every environment
-- of the project (issue 16: 100 flags x 1,000 environments).
create index flag_config_saved on flag_config (flag_id, updated_at);
create index flag_last_seen_by_key on flag_last_seen (flag_key, at);
