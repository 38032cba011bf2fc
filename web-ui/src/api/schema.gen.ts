// Generated from openapi/generated.yaml by `npm run api-types` (web-ui/scripts/api-types.mjs).
// Do not edit: change the server and its document, then regenerate. Nicer names live in
// types.ts.

/** Any JSON value: what the document leaves untyped (a flag's value, an audit snapshot). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers as long as the process serves HTTP; it does not look at the database.
         */
        get: operations["get_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Answers 200 when the database answers a ping within 2 seconds, and 503 otherwise. The status is `degraded` (still 200) when an environment this replica serves holds a flag or segment it cannot compile: that object evaluates to an error (reason ERROR) while everything else is served; `degraded` lists them.
         */
        get: operations["get_readiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Prometheus text exposition of the server's metrics (HTTP requests, latency, database pool).
         */
        get: operations["get_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description Serves this OpenAPI document, generated from the code.
         */
        get: operations["get_openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List projects
         * @description Lists every project by key (one page, no cursor); a project-scoped API token sees only its own project.
         */
        get: operations["list_projects"];
        put?: never;
        /**
         * Create a project
         * @description Creates a project with the default environments (development, staging, production); project-scoped API tokens cannot.
         */
        post: operations["create_project"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a project
         * @description Reads one project.
         */
        get: operations["get_project"];
        put?: never;
        post?: never;
        /**
         * Delete a project
         * @description Deletes a project with everything in it (environments, flags, segments, SDK keys).
         */
        delete: operations["delete_project"];
        options?: never;
        head?: never;
        /**
         * Update a project
         * @description Changes a project's name or description; absent fields stay as they are. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).
         */
        patch: operations["update_project"];
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in
         * @description Exchanges an email and password for a login token and starts a session; repeated failures per account or client address are refused with 429 and `Retry-After`.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out
         * @description Ends the caller's login session; with an API token it does nothing (revoke the token instead).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh a login token
         * @description Swaps a live login token for a fresh one and ends the old session; API tokens get a 400 (they do not need refreshing).
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I
         * @description Describes the caller, a user (login token) or an API token.
         */
        get: operations["get_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/environments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List environments
         * @description Lists a project's environments in display order (one page, no cursor).
         */
        get: operations["list_environments"];
        put?: never;
        /**
         * Create an environment
         * @description Adds an environment at the end of the project's list, with a default (disabled) configuration for every flag of the project.
         */
        post: operations["create_environment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/environments/{env}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an environment
         * @description Reads one environment.
         */
        get: operations["get_environment"];
        put?: never;
        post?: never;
        /**
         * Delete an environment
         * @description Deletes an environment with its flag configurations and SDK keys.
         */
        delete: operations["delete_environment"];
        options?: never;
        head?: never;
        /**
         * Update an environment
         * @description Changes an environment's name, position (the others shift to make room) or approval setting; absent fields stay as they are. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).
         */
        patch: operations["update_environment"];
        trace?: never;
    };
    "/api/v1/projects/{project}/environments/{env}/sdk-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List SDK keys
         * @description Lists an environment's SDK keys (metadata only, revoked ones included), newest first.
         */
        get: operations["list_sdk_keys"];
        put?: never;
        /**
         * Create an SDK key
         * @description Creates a server (`vx_srv_...`) or client (`vx_cli_...`) key for the environment; the secret is in this response and nowhere else, ever. Retries: with an `Idempotency-Key` header (as the IETF httpapi draft defines it), a request repeated with the same key and body within 24 hours answers the first answer again, secret included, and mints nothing; the same key with another body is 422; 409 when the secret it created was revoked or has expired since (a replay never presents a dead secret as live: use a new key).
         */
        post: operations["create_sdk_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/environments/{env}/sdk-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an SDK key
         * @description Revokes an SDK key, which stops working at once; revoking a revoked key changes nothing.
         */
        delete: operations["revoke_sdk_key"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook subscriptions
         * @description Lists a project's webhook subscriptions, oldest first. Never their secrets. Admins only: a subscription's URL may carry the receiver's own token.
         */
        get: operations["list_webhooks"];
        put?: never;
        /**
         * Subscribe a URL to a project's events
         * @description Creates a subscription. Events of the chosen types are POSTed to `url` as JSON (`{type, timestamp, data}`) signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the secret's decoded bytes). The signing secret (`whsec_<base64>`) is in this response and nowhere else. `url` must be an absolute http or https URL with a host (422 otherwise).
         */
        post: operations["create_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a webhook subscription
         * @description One subscription, without its secret.
         */
        get: operations["get_webhook"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook subscription
         * @description Deletes the subscription with its delivery log; pending deliveries are not sent.
         */
        delete: operations["delete_webhook"];
        options?: never;
        head?: never;
        /**
         * Change a webhook subscription
         * @description Changes the fields present: URL, event types, description, or `enabled`. A disabled subscription records no new events, and its pending deliveries wait until it is enabled again. The secret does not change.
         */
        patch: operations["update_webhook"];
        trace?: never;
    };
    "/api/v1/projects/{project}/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A subscription's delivery log
         * @description Its deliveries, newest first: status, attempts, and the last attempt's response code, latency, error and the start of the answer (at most 1 KiB).
         */
        get: operations["list_webhook_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/webhooks/{id}/deliveries/{delivery}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again
         * @description Records a new delivery of the same event, due now, with the same message id (`webhook-id`), so that a receiver that already has it can tell. Its attempts and retries start afresh.
         */
        post: operations["redeliver_webhook_delivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the audit log
         * @description Lists audit entries newest first, filtered, among those the caller may read: entries about users and API tokens (`resource_type` `user` and `api_token`, whose documents repeat what `/users` and `/tokens` show) only for unscoped admins and owners; a project-scoped API token reads only its own project's entries (with or without `project`; another project is 403).
         */
        get: operations["list_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users
         * @description Lists every user by email (one page, no cursor).
         */
        get: operations["list_users"];
        put?: never;
        /**
         * Create a user
         * @description Creates a dashboard account (the email is trimmed and lower-cased; the name defaults to the email). Only owners may create owners.
         */
        post: operations["create_user"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user
         * @description Reads one user; any logged-in user may read their own account.
         */
        get: operations["get_user"];
        put?: never;
        post?: never;
        /**
         * Delete a user
         * @description Deletes a user and revokes the API tokens that act for them; only owners may delete owners, nobody may delete their own account, and the last owner cannot be deleted (409).
         */
        delete: operations["delete_user"];
        options?: never;
        head?: never;
        /**
         * Update a user
         * @description Changes a user; absent fields stay as they are. A logged-in user may change their own `name` and `password` without the admin role (a new own password needs `current_password`); changing `role` or `disabled` always needs admin. Only owners may change an owner or make someone an owner, and the last active owner cannot be demoted or disabled (409). Disabling a user ends their sessions and revokes the API tokens that act for them. The body of a `GET` of the same user is accepted unchanged: `version`, `created_at` and `updated_at` are ignored, `id` and `email` must be this user's (422 otherwise), and a `role` or `disabled` equal to the current value is no change.
         */
        patch: operations["update_user"];
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API tokens
         * @description Lists every API token (metadata only, revoked ones included).
         */
        get: operations["list_tokens"];
        put?: never;
        /**
         * Create an API token
         * @description Creates an API token (`vx_api_...`), optionally scoped to one project, with at most the creator's role; the secret is in this response and nowhere else, ever. Retries: with an `Idempotency-Key` header (as the IETF httpapi draft defines it), a request repeated with the same key and body within 24 hours answers the first answer again, secret included, and mints nothing; the same key with another body is 422; 409 when the secret it created was revoked or has expired since (a replay never presents a dead secret as live: use a new key).
         */
        post: operations["create_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description Revokes an API token, which stops working at once; revoking a revoked token changes nothing.
         */
        delete: operations["revoke_token"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List flags
         * @description Lists a project's active (or, with `archived=true`, archived) flags by key, with their state in every environment (or in those `environments` names), one page at a time.
         */
        get: operations["list_flags"];
        put?: never;
        /**
         * Create a flag
         * @description Creates a flag, disabled in every environment; a boolean flag without variants gets `on` (true) and `off` (false).
         */
        post: operations["create_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag
         * @description Reads one flag's definition with its state in every environment.
         */
        get: operations["get_flag"];
        put?: never;
        post?: never;
        /**
         * Delete a flag
         * @description Deletes a flag and its configurations; refused with 409 (naming the dependents) while it is a prerequisite of other flags.
         */
        delete: operations["delete_flag"];
        options?: never;
        head?: never;
        /**
         * Update a flag
         * @description Changes a flag's definition (key and kind never change); absent fields stay as they are, and new variants that would break configurations are refused with 409. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).
         */
        patch: operations["update_flag"];
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive a flag
         * @description Archives a flag, removing it from every snapshot; idempotent (archiving an archived flag changes nothing), so it needs no If-Match; refused with 409 while the flag is a prerequisite of other flags.
         */
        post: operations["archive_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a flag
         * @description Restores an archived flag into every snapshot with its previous configurations; idempotent (restoring an active flag changes nothing), so it needs no If-Match. Refused with 409 while a flag it requires is archived (restore that one first) or when restoring would break what an environment serves (a prerequisite chain too deep, a cycle), and with 422 when the project already has as many active flags as one environment may serve.
         */
        post: operations["restore_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag's configuration in an environment
         * @description Reads a flag's configuration (targets, rules, default, prerequisites) in one environment.
         */
        get: operations["get_flag_config"];
        /**
         * Replace a flag's configuration in an environment
         * @description Replaces a flag's whole configuration in one environment, validated against the project (variants, segments, prerequisite graph); a `version` in the body is ignored, the server assigns the next one, and rules without an id get one. Archived flags are refused with 409. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).
         *
         *     Rollouts keep the users they have. A rollout that is already stored at the same place (the default, or the rule with the same `id`) with the same `bucket_by` reads the sent `weights` as per-variant shares: the same shares in any order keep the stored layout unchanged (so a GET sent back as a PUT changes nothing), and new shares rebase the stored layout so that only the share the new weights require changes variant (docs/evaluation.md, section 4). The stored `weights` may then name a variant more than once. With `layout=exact` every list is stored exactly as sent, for example to restore an earlier layout. With `dry_run=true` nothing is stored: the answer is the configuration the same request would store and, for each rollout, how many users change variant.
         */
        put: operations["replace_flag_config"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a flag's configuration in an environment with instructions
         * @description A semantic patch: `instructions` apply in order to the current configuration, atomically (the first one that cannot apply is reported at its pointer, `/instructions/{index}`, and nothing changes), and the result is validated like a `PUT` (its problems point into the resulting configuration). `If-Match` is optional: without it the instructions apply to whatever is current, so a patch made between two other writes keeps both; with it, a stale version answers 412. `set_rollout` takes per-variant shares and keeps every context the new shares allow on its variant. A patch that changes nothing writes nothing. `comment` goes into the audit entry.
         */
        patch: operations["patch_flag_config"];
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/toggle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn a flag on or off in an environment
         * @description The kill switch: sets `enabled` in one environment and nothing else; it needs no If-Match because setting a state is idempotent and must never lose a race (already in that state: nothing is written, not even the comment). Archived flags are refused with 409. An optional `comment` says why; it is stored on the audit entry (`comment`), where the audit log and the flag's history show it. In an environment that requires approval only a break-glass off is taken (`{"enabled": false, "break_glass": true, "comment": "why"}`, audited as `flag.break_glass_off`); anything else answers 409 `approval-required`.
         */
        post: operations["toggle_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put an earlier version of a configuration back
         * @description Roll back without a redeploy: writes the configuration the flag had at `version` in this environment (from its history) as a new version, validated like any write — a variant, segment or prerequisite flag the old version names must still exist (422 or 409 otherwise). Rollouts get the old version's exact layout, so every context gets the variant it had then. Restoring what is current writes nothing. Audited as `flag_config.restore`, with a comment naming the version. 404 when the history has no such version.
         */
        post: operations["restore_flag_config"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List segments
         * @description Lists a project's segments by key, with member keys counted (the segment's own route lists them).
         */
        get: operations["list_segments"];
        put?: never;
        /**
         * Create a segment
         * @description Creates a segment; `key` is required here (a missing key is a 422).
         */
        post: operations["create_segment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/segments/{segment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a segment
         * @description Reads one segment.
         */
        get: operations["get_segment"];
        /**
         * Replace a segment
         * @description Replaces a segment's whole definition; `key` may be omitted and cannot change (a different key is a 422). The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).
         */
        put: operations["replace_segment"];
        post?: never;
        /**
         * Delete a segment
         * @description Deletes a segment; refused with 409 (naming the rules) while a flag rule uses it.
         */
        delete: operations["delete_segment"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List change requests
         * @description The project's change requests, newest first (one page of at most 1 000, no cursor), optionally in one state.
         */
        get: operations["list_change_requests"];
        put?: never;
        /**
         * Propose a change
         * @description Proposes a semantic patch to a flag's configuration in one environment, to be written once the environment's `required_approvals` editors other than the author approve it. This is how configurations change in an environment with `requires_approval` (direct writes there answer 409 `approval-required`). The patch must apply to the current configuration now and change something (422 otherwise; pointers are under `/patch`); the request records that version as `base_version`. With `scheduled_at`, approval schedules the change instead of applying it. Audited as `change_request.create`.
         */
        post: operations["create_change_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a change request
         * @description One change request with its approvals and comments, and `diff`: the current configuration and what the request's instructions would make of it now (or why they no longer apply).
         */
        get: operations["get_change_request"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests/{id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Comment on a change request
         * @description Adds a comment to the request's thread, in any state. Audited as `change_request.comment`.
         */
        post: operations["comment_change_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a change request
         * @description Approves an open request: 403 for its author (whichever credential they use: a token counts as the user it acts for), 409 for a second approval by the same person or a closed request. The approval that reaches the environment's `required_approvals` applies the request at once, exactly once, through the same write as any configuration change (validation, change feed, audit): its instructions apply to the configuration current then, so a request whose target moved meanwhile still applies when its instructions still validate (`applied`, `applied_version`); otherwise it becomes `conflicted` with the `reason` and nothing is written. A request with `scheduled_at` becomes `scheduled` with a `scheduled_change_id` instead. Audited as `change_request.approve`, then `change_request.apply`, `change_request.conflict` or `change_request.schedule`.
         */
        post: operations["approve_change_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject a change request
         * @description Closes an open request as `rejected`, with an optional `reason`. Its author cancels instead (403). Audited as `change_request.reject`.
         */
        post: operations["reject_change_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/change-requests/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a change request
         * @description Withdraws an open request (`cancelled`); only its author may (403 otherwise). Audited as `change_request.cancel`.
         */
        post: operations["cancel_change_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/scheduled-changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List scheduled changes
         * @description The project's scheduled changes, soonest first (one page of at most 1 000, no cursor), optionally in one state.
         */
        get: operations["list_scheduled_changes"];
        put?: never;
        /**
         * Schedule a change
         * @description Schedules a semantic patch to a flag's configuration in one environment for `run_at` (not in the past). It runs exactly once across replicas, through the same write as any configuration change, validated against the configuration of that time: one that no longer applies or validates becomes `failed` with the `reason` and is not retried. A change due while no replica was running runs at the next start and says so (`ran_late`, `late_by_ms`). An environment with `requires_approval` answers 409 `approval-required`: there, a change request with `scheduled_at` becomes a scheduled change once approved. Audited as `scheduled_change.create`; its run as `scheduled_change.run` (or `scheduled_change.fail`), by `scheduler:<author>`.
         */
        post: operations["create_scheduled_change"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/scheduled-changes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a scheduled change
         * @description One scheduled change, with how it ran once it has.
         */
        get: operations["get_scheduled_change"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit a scheduled change
         * @description Changes the time or the instructions of a `pending` change (409 otherwise). One that came from an approved change request, or lies in an environment that requires approval, cannot be edited (409): cancel it and request the change again. Audited as `scheduled_change.update`.
         */
        patch: operations["update_scheduled_change"];
        trace?: never;
    };
    "/api/v1/projects/{project}/scheduled-changes/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a scheduled change
         * @description Cancels a `pending` change (409 otherwise). Audited as `scheduled_change.cancel`.
         */
        post: operations["cancel_scheduled_change"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag's usage in an environment
         * @description How often each variant of the flag was served in one environment over the last `hours`, as the SDKs reported it (`POST /sdk/v1/events`): in steps of a minute for up to 6 hours, of an hour beyond. Steps without evaluations are left out.
         */
        get: operations["get_flag_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/code-references": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a project's code references
         * @description The latest scan of each repository and, per key found in code, the places in all repositories and which repositories. A flag that is not among `keys` while `last_scanned` is set is in no scanned code.
         */
        get: operations["get_code_references"];
        put?: never;
        /**
         * Upload a repository's code references
         * @description Records one repository's scan (`vexil refs scan --upload`): per key, how many places mention it and up to 20 of them. It replaces that repository's previous scan and is audited as `code_references.upload`. Keys that are no flag are kept too: a flag created later is matched by its key.
         */
        post: operations["upload_code_references"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/code-references": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag's code references
         * @description How many places in the project's scanned repositories mention the flag's key, per repository with up to 20 places each. `count` is 0 and `repositories` empty when the latest scans did not find it; `last_scanned` is absent when no scan was uploaded.
         */
        get: operations["get_flag_code_references"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag's release plan in an environment
         * @description The unfinished plan, or else the latest one.
         */
        get: operations["get_release_plan"];
        put?: never;
        /**
         * Create a release plan (draft)
         * @description A draft plan: the `treatment` released in steps in the default serve or one `rule`, with guardrails compared with the `control`. One unfinished plan per flag and environment (409). Every number is bounded (422 at its pointer): `min_duration_seconds` 0 to 2,592,000, `min_exposures` 0 to 100,000,000, `planned_exposures` 1 to 10^9, `tolerance` 0 to 10, `absolute_tolerance` 0 to 10^12, `alpha` in (0, 0.5], 1 to 20 steps, at most 10 guardrails. Audited as `release_plan.create`.
         */
        post: operations["create_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a release plan
         * @description Draft → running on the first step, written as a `flag_config.patch` of the place. In an environment that requires approval it answers 202 with the plan still a draft and `change_request_id`: a change request holding the first step, whose approval starts the plan and covers its later steps, resume and rollback (written as `release-plan:<id>`); a second start while that request is open is 409. Audited as `release_plan.start` (or `release_plan.request_start`).
         */
        post: operations["start_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a running release plan
         * @description Running → paused; nothing is written to the configuration. Audited as `release_plan.pause`.
         */
        post: operations["pause_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused release plan
         * @description Paused → running: the current step starts again, and its split is written again on top of the configuration as it is now (a change made by hand elsewhere is kept). Audited as `release_plan.resume`.
         */
        post: operations["resume_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/advance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Advance a release plan by hand
         * @description Running or paused → the next step (or completed from the last one). A manual step is a direct write, refused where approval is required (409 `approval-required`). Audited as `release_plan.advance` or `release_plan.complete`.
         */
        post: operations["advance_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a release plan back by hand
         * @description Running or paused → rolled back: the place serves the control to everyone (taken where approval is required, as the kill switch is; when the place is gone nothing is written). A draft is discarded. Audited as `release_plan.rollback`.
         */
        post: operations["rollback_release_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/verdict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The plan's verdict, for a web metric (Argo Rollouts)
         * @description Always 200 with `healthy` in the body (a web metric reads it with a JSON path, `$.healthy`): true while the plan is a draft, running or completed and no guardrail was worse at the last look. Argo Rollouts sends the token in its `headers` (deploy/examples/argo-analysis-template.yaml).
         */
        get: operations["get_release_plan_verdict"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/gate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The plan's verdict, as a webhook gate (Flagger)
         * @description The verdict with 200 when healthy and 503 when not (same body). The caller authenticates with `Authorization: Bearer`, or — a webhook that cannot send headers, as Flagger's — with an API token of at least the viewer role in the body's `metadata.token` (Flagger's webhook `metadata`; the rest of its payload is ignored). Only API tokens are taken there, never login tokens; the token is hashed before its lookup and never logged (deploy/examples/flagger-canary.yaml).
         */
        post: operations["check_release_plan_gate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/environments/{env}/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate a context, explained
         * @description Evaluates a context against what the environment serves right now (its current snapshot), for one flag or for every flag, and explains each result step by step: prerequisites, individual targets, rules and their conditions, bucketing. Nothing is recorded as usage. A `flag` the snapshot does not have (unknown or archived) is not a 404: its result has reason `ERROR`, error code `FLAG_NOT_FOUND` and `enabled: null`.
         */
        post: operations["evaluate_context"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/environments/{env}/flags/toggle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn every flag matching a filter on or off in an environment
         * @description A bulk kill switch: every active (not archived) flag with the filter's `tag` and whose key starts with `key_prefix` (at least one of the two; at most 1 000 flags match, else 422) is set to `enabled` in one transaction, each through the same write as the single toggle, with one audit entry per flag changed. Flags already in that state are listed as `unchanged`. In an environment that requires approval the call answers 409 `approval-required` and writes nothing (a change request holds one flag's patch), except a break-glass off (`enabled: false`, `break_glass: true` and a `comment`), audited per flag as `flag.break_glass_off`.
         */
        post: operations["toggle_flags"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Copy a flag's configuration from one environment to another
         * @description Promotes a configuration (staging to production): the semantic patch that turns the target's configuration into the source's (targets, rules, default, off variant, prerequisites, on/off) is written in the target and audited as `flag_config.copy` (200, `outcome: applied`). Rollouts in the target keep their assignments where the source's shares allow. When the target requires approval the patch is proposed as a change request instead (202, `outcome: change_requested`), which applies when approved. When the two are already the same nothing is written (200, `outcome: unchanged`).
         */
        post: operations["copy_flag_config"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/clone": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a flag with another's variants and configurations
         * @description Creates flag `key` with the source's description, kind, variants, tags, lifecycle, client visibility and metadata (owner, links and properties), with a fresh salt so that the two bucket independently; then copies the source's configuration in every environment to it as the copy route does: environments that require approval get a change request each. The creation and each copy are separate transactions.
         */
        post: operations["clone_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a flag's usage in an environment
         * @description How often each variant of the flag was served in the environment over the last `hours`, as the SDKs reported it (`POST /sdk/v1/events`): in steps of a minute for up to 6 hours, of an hour beyond. Steps without evaluations are left out. The environment is in the path like every other per-environment route; the older `GET /projects/{project}/flags/{flag}/usage?environment=` answers the same.
         */
        get: operations["get_flag_usage_in"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the metric events attributed to a flag's variants
         * @description The custom metric events (`track`, the `metrics` of `POST /sdk/v1/events`) that the SDKs attributed to the flag, per event key and per variant served: the count, the mean value and the sample standard deviation over the last `hours`, and a series of count and mean in steps of a minute up to 6 hours, of an hour beyond. Events not attributed to the flag are not counted. Metric events are kept 14 days.
         */
        get: operations["get_flag_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{project}/flags/{flag}/applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the applications that evaluate a flag
         * @description The applications whose SDKs reported evaluating the flag (the `application` of `POST /sdk/v1/events`), with the version and the last time each was seen, most recent first; at most 200. Forgotten after 90 days without an evaluation. OFREP clients are counted in the usage but name no application.
         */
        get: operations["get_flag_applications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether first-run set-up is pending
         * @description Pending when the server created the owner account with a generated password (printed once at first start) that nobody has replaced yet.
         */
        get: operations["get_setup"];
        put?: never;
        /**
         * Claim the generated owner account
         * @description With the one-time password the server printed, sets the owner's email, name and password, ends set-up and logs in. Wrong one-time passwords count as failed logins.
         */
        post: operations["complete_setup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How to log in
         * @description What the login page offers: the password form (for everyone, or only for the break-glass owner in SSO-only mode) and, when single sign-on is configured (`VEXIL_OIDC_*`), the identity provider's button.
         */
        get: operations["get_auth_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/oidc/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start a single sign-on
         * @description A browser navigation, not an API call. Records the login in flight (its `state`, `nonce` and PKCE verifier, for 10 minutes), sets the `vexil_sso_state` cookie that binds it to this browser, and redirects to the identity provider's authorization endpoint. When the provider cannot be reached, redirects to `/login?sso_error=unavailable`.
         */
        get: operations["start_sso_login"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Return from the identity provider
         * @description The redirect URL registered at the provider (`VEXIL_OIDC_REDIRECT_URL`). Consumes the login in flight named by `state` (once, and only from the browser holding its cookie), exchanges the code with the PKCE verifier, checks the ID token (signature against the provider's keys, fetched again when it names an unknown key; issuer; audience; expiry; nonce), reads the userinfo claims, and finds, links or creates the user, whose role follows `VEXIL_OIDC_ROLE_CLAIM` when set. Success redirects to `/login/sso?handoff=<one-time code>&next=<path>`; failure to `/login?sso_error=<reason>` with one of `state`, `provider`, `unavailable`, `exchange`, `id_token`, `id_token_signature`, `id_token_expired`, `id_token_audience`, `id_token_issuer`, `id_token_nonce`, `userinfo`, `no_email`, `disabled`, `no_role`, `email_unverified`, `email_taken`, `break_glass`, `internal`.
         */
        get: operations["finish_sso_login"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/oidc/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Collect a single sign-on's login token
         * @description Swaps the one-time hand-off code from `/login/sso?handoff=...` for a login token. Each code works once, for 60 seconds.
         */
        post: operations["create_sso_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/stream-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a token to open the dashboard's live stream
         * @description A signed token, valid for 60 seconds, to open `GET /api/v1/stream` (browsers' event streams cannot send an `Authorization` header).
         */
        post: operations["create_stream_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow every change, as the dashboard does
         * @description A Server-Sent Events stream of `audit` events, one per audit entry committed on any replica that the caller may read (as `GET /api/v1/audit` filters them: entries about users and API tokens only for unscoped admins and owners, and only its project's entries for a project-scoped token): `{id, at, actor, action, resource_type, resource_key, project, environment}` (the entry without its documents). A `resync` event means entries were missed and the page should reload what it shows. The stream ends when the session (or API token) that asked for the token ends, or when the caller's role or scope changes (checked at every keep-alive); the page then reconnects with what it may read now.
         */
        get: operations["get_admin_stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sdk/v1/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the environment's configuration
         * @description The complete snapshot of the SDK key's environment (every active flag with its configuration there, and every segment), for SDKs that evaluate locally. It is served as prepared once per change, gzipped when the request accepts gzip, and can be revalidated with `If-None-Match`.
         */
        get: operations["get_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sdk/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report usage and metric events
         * @description Takes a batch of what an SDK observed: evaluation counts per flag and variant (the source of flag usage and of `last_evaluated_at`) and metric events, optionally tied to the variants the context was served. Counts and mappings that name a flag or variant the environment does not have (an SDK with an older snapshot) are ignored and counted in `ignored`, not refused. An invalid entry (a count out of range, a bad event key or value, a time that is not RFC 3339 or is outside the usage retention) is left out and named in the answer's `problems` (a JSON pointer and a message) while the valid entries are recorded: one bad entry does not cost the batch. A batch with nothing usable is refused with 422, and nothing is recorded then.
         */
        post: operations["post_events"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sdk/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow every change of the environment
         * @description A Server-Sent Events stream for SDKs that evaluate locally. It opens with a `retry` hint and an event `snapshot` (the whole configuration, as `GET /sdk/v1/config` returns it), then sends one event per committed change: `flag` (the flag as in the snapshot), `flag_deleted` (`{"key": ...}`), `segment`, `segment_deleted`. Each event's `id` is `<history>-<version>`: the name of the database's change history (renewed when a restored database is found, or by `vexil migrate --new-history`) and the environment version the event brings the client to. A client that reconnects with `Last-Event-ID` gets only the changes it missed, or a fresh `snapshot` when they are no longer held, when the id is of another history, or when it is not an id this server issued. A client that falls too far behind gets a fresh `snapshot` instead of the changes it missed. Comment lines keep idle connections alive. The stream ends when the server shuts down, the environment is deleted or the key is revoked.
         */
        get: operations["get_stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/evaluate/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate every flag (OFREP)
         * @description Evaluates every flag of the SDK key's environment that the key may see (a client key: the client-visible ones) for the context in the body, as the OpenFeature Remote Evaluation Protocol defines it; providers cache the result and revalidate it with `If-None-Match`. The ETag covers the environment version, the kind of key, the context and the period of the stream URL in `eventStreams`, so that a 304 never leaves a provider with an expired URL. A flag that cannot be evaluated for this context is an item in the shape of a failure, the others still succeed. Per-flag metadata depends only on that flag's answer; the environment version is in the answer's `metadata`. Unlike the admin API, the body is not checked for its content type or for members the server does not know, unknown query parameters are ignored, and a body that cannot be used (not JSON, over 64 KiB, no usable context) is a 400 in the protocol's shape, never a 413 or 415. Every error is an `OfrepError`. Each flag in the answer counts as evaluated once (usage, `last_evaluated_at`): the answer hands it to the client.
         */
        post: operations["evaluate_flags"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/evaluate/flags/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate one flag (OFREP)
         * @description Evaluates one flag of the SDK key's environment for the context in the body, as the OpenFeature Remote Evaluation Protocol defines it. A client key sees only client-visible flags; any other flag answers exactly as an unknown one (404). Unlike the admin API, the body is not checked for its content type or for members the server does not know, query parameters are ignored, and a body that cannot be used (not JSON, over 64 KiB, no usable context) is a 400 in the protocol's shape, never a 413 or 415. Every error is an `OfrepError` with the flag's `key`. The evaluation counts as usage of the flag (the usage chart, `last_evaluated_at`).
         */
        post: operations["evaluate_flag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ofrep/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OFREP change notifications
         * @description The notification stream a bulk evaluation advertises in `eventStreams`. Each committed change of the environment sends a message whose data is `{"type": "refetchEvaluation", "etag": "<version>"}` (id = the version), telling the provider to evaluate again. A client never misses a change: the stream takes the version the client holds (`Last-Event-ID` when it reconnects, otherwise the version of the bulk answer, which its URL carries in `v`) and, when the environment has moved on since (or the version is unknown), opens with a notice at once. Browsers cannot send headers on event streams, so the URL carries a signed token (valid for one to two periods of `VEXIL_OFREP_STREAM_TOKEN_SECONDS`, an hour by default) instead of the SDK key; servers never log query strings. Query parameters other than those below are ignored (EventSource polyfills add some).
         */
        get: operations["get_ofrep_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An API token's metadata (the secret is never stored). */
        ApiToken: {
            /** @description Random id. */
            id: string;
            /** @description What it is for. */
            name: string;
            /** @description The first characters of the secret, to recognise it. */
            prefix: string;
            /** @description The role it was given. */
            role: components["schemas"]["Role"];
            /**
             * @description What it may do now: its role, lowered to its creator's current role (computed
             *     when it is read, so a demotion takes effect at once).
             */
            effective_role: components["schemas"]["Role"];
            /** @description The only project it may touch, if scoped. */
            project: string | null;
            /** @description Who created it, as the audit log names them. */
            created_by: string;
            /**
             * @description The user it acts for: who created it, or who created the token that created it.
             *     `None` for tokens made before this was recorded whose creator could not be
             *     worked out; those keep their own role.
             */
            created_by_user_id: string | null;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            expires_at: null | components["schemas"]["Timestamp"];
            last_used_at: null | components["schemas"]["Timestamp"];
            revoked_at: null | components["schemas"]["Timestamp"];
        };
        /**
         * @description An application that evaluates flags: a name and, where known, a version
         *     (`checkout-api`, `2.3.1`). Both are checked by [`Application::problem`].
         */
        Application: {
            /**
             * @description 1 to [`MAX_APPLICATION_NAME_LEN`] bytes of printable text.
             * @example checkout-api
             */
            name: string;
            /**
             * @description Up to [`MAX_APPLICATION_VERSION_LEN`] bytes of printable text.
             * @example 2.3.1
             */
            version?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** @description An application seen evaluating a flag in an environment. */
        ApplicationSeen: {
            /** @description The environment key. */
            environment: string;
            /** @description The application's name, as its SDK reported it. */
            name: string;
            /** @description Its version; absent when the SDK sent none. */
            version?: string;
            /** @description The end of the last period in which it evaluated the flag. */
            last_seen_at: components["schemas"]["Timestamp"];
        };
        /** @description One audit entry. */
        AuditEntry: {
            /**
             * Format: int64
             * @description Increasing id.
             */
            id: number;
            /** @description When. */
            at: components["schemas"]["Timestamp"];
            /** @description Who: `user:<email>`, `token:<name>` or `system`. */
            actor: string;
            /** @description What, e.g. `flag.create`. */
            action: string;
            /** @description The kind of resource. */
            resource_type: string;
            /** @description The resource, e.g. `default/new-checkout/production`. */
            resource_key: string;
            /** @description The project, when the resource belongs to one. */
            project: string | null;
            /** @description The environment, when the resource belongs to one. */
            environment: string | null;
            /** @description The document before the change. */
            before: JsonValue;
            /** @description The document after the change. */
            after: JsonValue;
            /**
             * @description The resource's display name when the change was made (an SDK key's or API
             *     token's name, a user's name or email...), taken from the entry's own documents so
             *     that it stays right after the resource is renamed or deleted; `None` for
             *     resources without a name of their own (flag configurations).
             */
            resource_name: string | null;
            /** @description What the author said about the change, e.g. why a flag was switched off. */
            comment: string | null;
        };
        AuthConfig: {
            /** @description Whether the password form is for everyone (false: the break-glass owner only). */
            password_login: boolean;
            sso: null | components["schemas"]["SsoConfig"];
        };
        /** @description The bucketing step. */
        BucketTrace: {
            /** @description The attribute the rollout buckets by (`key` for the context key). */
            bucket_by: string;
            /** @description The string that was hashed after `salt ":"`. */
            hashed_value: string;
            /** @description True when the `bucket_by` attribute was unusable and the context key was used. */
            fell_back_to_key: boolean;
            /**
             * Format: int32
             * @description The bucket, in [0, 100 000).
             */
            bucket: number;
        };
        BulkToggleRequest: {
            /** @description Which flags: a tag, a key prefix, or both. */
            filter: {
                /** @description Only flags with this tag. */
                tag?: string | null;
                /** @description Only flags whose key starts with this. */
                key_prefix?: string | null;
            };
            enabled: boolean;
            /** @description Why: stored on each audit entry. */
            comment?: string | null;
            /**
             * @description Turn flags off in an environment that requires approval (as the single toggle).
             * @default false
             */
            break_glass: boolean;
        } & unknown;
        /** @description What a bulk toggle did. */
        BulkToggleResult: {
            /** @description The environment's key. */
            environment: string;
            /** @description The state set. */
            enabled: boolean;
            /** @description Flags written (one audit entry each), by key. */
            changed: string[];
            /** @description Flags that matched and were already in that state. */
            unchanged: string[];
        };
        /** @description A change request as the API shows it. */
        ChangeRequest: {
            /**
             * Format: int64
             * @description Id, unique across projects.
             */
            id: number;
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description What the change is, in a line. */
            title: string;
            /** @description The instructions. */
            patch: components["schemas"]["Patch"];
            /**
             * Format: int64
             * @description The configuration version the author saw.
             */
            base_version: number;
            /** @description Who asked, as the audit log names them. */
            author: string;
            /** @description Where it stands. */
            state: components["schemas"]["ChangeRequestState"];
            /** @description Why it was rejected or conflicted. */
            reason?: string;
            /** @description When set, approval schedules the change for this time instead of applying it. */
            scheduled_at?: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description The configuration version its application wrote (or found, when it changed
             *     nothing).
             */
            applied_version?: number;
            /**
             * Format: int64
             * @description The scheduled change approval made of it.
             */
            scheduled_change_id?: number;
            /**
             * Format: int64
             * @description Approvals the environment requires (read now; at approval time for closed ones).
             */
            required_approvals: number;
            /** @description Approvals given. */
            approvals: components["schemas"]["ChangeRequestApproval"][];
            /** @description The comment thread, oldest first. */
            comments: components["schemas"]["ChangeRequestComment"][];
            /**
             * Format: int64
             * @description Bumped on each change of the request (ETag).
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description An approval given. */
        ChangeRequestApproval: {
            /** @description Who approved, as the audit log names them. */
            actor: string;
            /** @description When. */
            at: components["schemas"]["Timestamp"];
        };
        /** @description A comment in a request's thread. */
        ChangeRequestComment: {
            /**
             * Format: int64
             * @description Increasing id.
             */
            id: number;
            /** @description Who wrote it. */
            actor: string;
            /** @description What they wrote. */
            body: string;
            /** @description When. */
            at: components["schemas"]["Timestamp"];
        };
        /** @description What a request would do to the current configuration. */
        ChangeRequestDiff: {
            /** @description The configuration now. */
            before: components["schemas"]["FlagConfig"];
            /** @description The configuration the request would make of it (`None`: it no longer applies). */
            after?: components["schemas"]["FlagConfig"];
            /** @description Why it no longer applies. */
            problem?: string;
        };
        /**
         * @description Where a change request stands.
         * @enum {string}
         */
        ChangeRequestState: "open" | "applied" | "scheduled" | "rejected" | "cancelled" | "conflicted";
        /** @description A request with what it would do to the current configuration. */
        ChangeRequestWithDiff: {
            /**
             * Format: int64
             * @description Id, unique across projects.
             */
            id: number;
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description What the change is, in a line. */
            title: string;
            /** @description The instructions. */
            patch: components["schemas"]["Patch"];
            /**
             * Format: int64
             * @description The configuration version the author saw.
             */
            base_version: number;
            /** @description Who asked, as the audit log names them. */
            author: string;
            /** @description Where it stands. */
            state: components["schemas"]["ChangeRequestState"];
            /** @description Why it was rejected or conflicted. */
            reason?: string;
            /** @description When set, approval schedules the change for this time instead of applying it. */
            scheduled_at?: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description The configuration version its application wrote (or found, when it changed
             *     nothing).
             */
            applied_version?: number;
            /**
             * Format: int64
             * @description The scheduled change approval made of it.
             */
            scheduled_change_id?: number;
            /**
             * Format: int64
             * @description Approvals the environment requires (read now; at approval time for closed ones).
             */
            required_approvals: number;
            /** @description Approvals given. */
            approvals: components["schemas"]["ChangeRequestApproval"][];
            /** @description The comment thread, oldest first. */
            comments: components["schemas"]["ChangeRequestComment"][];
            /**
             * Format: int64
             * @description Bumped on each change of the request (ETag).
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        } & {
            diff: components["schemas"]["ChangeRequestDiff"];
        };
        CloneRequest: {
            /** @description The new flag's key. */
            key: string;
            /** @description Its display name (defaults to the key). */
            name?: string | null;
        };
        /** @description A new flag made from another. */
        CloneResult: {
            /** @description The new flag. */
            flag: components["schemas"]["FlagRecord"];
            /** @description Per environment key, what copying the source's configuration there did. */
            environments: {
                [key: string]: components["schemas"]["CopyOutcome"];
            };
        };
        /** @description One place a key appears. */
        CodeLocation: {
            /** @description Path relative to the repository root, `/`-separated (1 to 1 000 bytes). */
            path: string;
            /**
             * Format: int32
             * @description Line number, from 1.
             */
            line: number;
        };
        /** @description A stored scan of one repository. */
        CodeRefsScan: {
            /** @description The repository's name. */
            repository: string;
            /** @description The commit scanned, if given. */
            commit?: string | null;
            /** @description The branch scanned, if given. */
            branch?: string | null;
            /** @description When the tree was scanned. */
            scanned_at: components["schemas"]["Timestamp"];
            /** @description Who uploaded it (`token:<name>` or `user:<email>`). */
            uploaded_by: string;
            /**
             * Format: int64
             * @description How many distinct keys it found.
             */
            key_count: number;
        };
        /** @description A scan of one repository, as `vexil refs scan --upload` sends it. */
        CodeRefsUpload: {
            /**
             * @description The repository's name (1 to 200 characters), e.g. `github.com/acme/shop`; a new
             *     upload for the same name replaces the previous one.
             */
            repository: string;
            /** @description The commit scanned (1 to 200 characters). */
            commit?: string | null;
            /** @description The branch scanned (1 to 200 characters). */
            branch?: string | null;
            /**
             * Format: date-time
             * @description When the tree was scanned (RFC 3339); the upload's time when absent.
             */
            scanned_at?: string | null;
            /** @description Every key the scan found, each once (at most 10 000). */
            keys: components["schemas"]["UploadedKey"][];
        };
        CommentRequest: {
            /** @description What to say (1 to 4 000 characters, not blank). */
            body: string;
        };
        /** @description One test on a context attribute. */
        Condition: {
            /** @description The attribute tested; `key` means the context key. Unused by `in_segment`. */
            attribute?: string;
            /** @description The operator. */
            op: components["schemas"]["Op"];
            /** @description Operands; their types depend on the operator. */
            values?: unknown[];
            /** @description Inverts the outcome when the attribute is present and of a usable type. */
            negate?: boolean;
        };
        /** @description One condition check. */
        ConditionTrace: {
            /** @description Position in the rule. */
            index: number;
            /** @description The attribute tested. */
            attribute: string;
            /** @description The operator. */
            op: components["schemas"]["Op"];
            /** @description Whether the outcome was inverted. */
            negate: boolean;
            /** @description The context's value of the attribute, if any. */
            actual: JsonValue;
            /** @description The test's outcome before `negate`. */
            outcome: components["schemas"]["Outcome"];
            /** @description The condition's truth. */
            holds: boolean;
            /**
             * @description With `type_mismatch`: why the context's value cannot be compared, for people,
             *     e.g. `"v3.1.0" is not a semantic version: it starts with "v"...`.
             */
            mismatch?: string;
        };
        /**
         * @description The answer of a configuration `PUT`, for the document: the configuration written,
         *     or with `dry_run=true` its preview.
         */
        ConfigOrPreview: components["schemas"]["FlagConfigRecord"] | components["schemas"]["ConfigPreview"];
        /**
         * @description The answer of a dry run: the configuration a write would store, and what it does to
         *     each rollout (the same [`plan_config`] call the write makes).
         */
        ConfigPreview: {
            /**
             * Format: int64
             * @description The stored version the preview was computed from.
             */
            base_version: number;
            /** @description What would be stored (rules without an id get one only when saved). */
            config: components["schemas"]["FlagConfig"];
            /**
             * @description Per place whose serve changes and is a rollout before or after: the buckets (out
             *     of 100 000) that change variant and the least the new weights require.
             */
            rollouts: components["schemas"]["RolloutChange"][];
        };
        /**
         * @description What a copy did: the configuration written, or the change request that waits for
         *     approval in a protected target, or nothing when the two were already the same.
         */
        CopyOutcome: {
            /** @description The target's configuration as written. */
            config: components["schemas"]["FlagConfigRecord"];
            /** @enum {string} */
            outcome: "applied";
        } | {
            /** @description The request opened. */
            change_request: components["schemas"]["ChangeRequest"];
            /** @enum {string} */
            outcome: "change_requested";
        } | {
            /** @description The target's configuration. */
            config: components["schemas"]["FlagConfigRecord"];
            /** @enum {string} */
            outcome: "unchanged";
        };
        CopyRequest: {
            /** @description The source environment's key. */
            from: string;
            /** @description The target environment's key. */
            to: string;
            /** @description Why: stored on the audit entry or the change request's patch. */
            comment?: string | null;
        };
        CreateUser: {
            /** @description An address with an `@` (at most 254 characters); trimmed and lower-cased. */
            email: string;
            /** @description Display name; defaults to the email. */
            name?: string;
            /** @description 10 to 256 characters. */
            password: string;
            role: components["schemas"]["Role"];
        };
        /** @description A new key: the secret is in this response and nowhere else, ever. */
        CreatedKey: {
            /** @description Random id. */
            id: string;
            /** @description What it is for. */
            name: string;
            /** @description Server or client. */
            kind: components["schemas"]["SdkKeyKind"];
            /** @description The first characters of the secret. */
            prefix: string;
            /** @description The project. */
            project: string;
            /** @description The environment. */
            environment: string;
            /** @description Who created it. */
            created_by: string;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            expires_at: null | components["schemas"]["Timestamp"];
            revoked_at: null | components["schemas"]["Timestamp"];
        } & {
            key: string;
        };
        /** @description A new token: the secret is in this response and nowhere else, ever. */
        CreatedToken: {
            /** @description Random id. */
            id: string;
            /** @description What it is for. */
            name: string;
            /** @description The first characters of the secret, to recognise it. */
            prefix: string;
            /** @description The role it was given. */
            role: components["schemas"]["Role"];
            /**
             * @description What it may do now: its role, lowered to its creator's current role (computed
             *     when it is read, so a demotion takes effect at once).
             */
            effective_role: components["schemas"]["Role"];
            /** @description The only project it may touch, if scoped. */
            project: string | null;
            /** @description Who created it, as the audit log names them. */
            created_by: string;
            /**
             * @description The user it acts for: who created it, or who created the token that created it.
             *     `None` for tokens made before this was recorded whose creator could not be
             *     worked out; those keep their own role.
             */
            created_by_user_id: string | null;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            expires_at: null | components["schemas"]["Timestamp"];
            last_used_at: null | components["schemas"]["Timestamp"];
            revoked_at: null | components["schemas"]["Timestamp"];
        } & {
            token: string;
        };
        /** @description A new subscription: the signing secret is in this response and nowhere else. */
        CreatedWebhook: {
            /** @description Random id. */
            id: string;
            /** @description The project whose events it receives. */
            project: string;
            /** @description Where events are POSTed: http or https, nothing else. */
            url: string;
            /** @description What it is for. */
            description: string;
            /** @description The categories of events it receives. */
            event_types: components["schemas"]["WebhookEventType"][];
            /** @description Whether events are recorded and delivered for it. */
            enabled: boolean;
            /** @description Who created it. */
            created_by: string;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        } & {
            secret: string;
        };
        /**
         * @description A context as the debugger takes it: a key and JSON attributes, read exactly as OFREP
         *     and the SDK's OpenFeature provider read theirs ([`Context::from_json_attributes`]),
         *     so that the debugger explains the answer those paths give.
         */
        DebugContext: {
            key?: string | null;
            attributes?: {
                [key: string]: unknown;
            } | null;
        };
        /**
         * @description Where a delivery stands.
         * @enum {string}
         */
        DeliveryStatus: "pending" | "delivered" | "failed";
        /** @description An environment. */
        Environment: {
            /** @description Lower-case slug, unique in the project. */
            key: string;
            /** @description Display name. */
            name: string;
            /**
             * Format: int64
             * @description Display order, from 0.
             */
            position: number;
            /** @description Whether changes need an approval (enforced by the approvals feature). */
            requires_approval: boolean;
            /**
             * Format: int64
             * @description How many approvals a change request needs here (from editors other than its
             *     author), at least 1.
             */
            required_approvals: number;
            /**
             * Format: int64
             * @description Bumped on each change of the fields above (ETag).
             */
            version: number;
            /**
             * Format: int64
             * @description Bumped on each change to what the environment serves; the SDK snapshot version.
             */
            snapshot_version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change of the fields above. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description Body of an environment update; absent fields stay as they are. */
        EnvironmentPatch: {
            /** @description New display name. */
            name?: string | null;
            /**
             * Format: int64
             * @description New position, counted from 0; the others shift to make room. A position at or
             *     past the last one moves the environment last.
             */
            position?: number | null;
            /** @description New approval setting. */
            requires_approval?: boolean | null;
            /**
             * Format: int64
             * @description New number of approvals a change request needs.
             */
            required_approvals?: number | null;
        };
        /**
         * @description OpenFeature error codes.
         * @enum {string}
         */
        ErrorCode: "PROVIDER_NOT_READY" | "FLAG_NOT_FOUND" | "PARSE_ERROR" | "TYPE_MISMATCH" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "GENERAL";
        EvaluateRequest: {
            context: components["schemas"]["DebugContext"];
            /** @description Only this flag (all flags when absent). */
            flag?: string | null;
        };
        EvaluateResponse: {
            environment: string;
            /** Format: int64 */
            version: number;
            results: components["schemas"]["Explanation"][];
        };
        /**
         * @description An owned evaluation result, as the server sends it and the conformance vectors
         *     record it.
         */
        EvaluationRecord: {
            /** @description The value served; absent on error. */
            value?: JsonValue;
            /** @description The variant served; absent on error. */
            variant?: string;
            /** @description The reason. */
            reason: components["schemas"]["ReasonKind"];
            /** @description With `TARGETING_MATCH` from a rule: its position. */
            rule_index?: number;
            /** @description With `TARGETING_MATCH` from a rule: its id. */
            rule_id?: string;
            /** @description With `PREREQUISITE_FAILED`: the prerequisite flag that failed. */
            prerequisite?: string;
            /** @description With `ERROR`: the code. */
            error_code?: components["schemas"]["ErrorCode"];
        };
        /**
         * @description A batch of events an SDK sends to `POST /sdk/v1/events`. Every field is optional;
         *     a server ignores fields it does not know, so newer SDKs keep working.
         */
        EventBatch: {
            window?: null | components["schemas"]["EventWindow"];
            /**
             * @description Evaluation counts per (flag, variant); at most [`MAX_BATCH_ENTRIES`].
             * @default []
             */
            usage: components["schemas"]["UsageEntry"][];
            /**
             * @description Custom metric events; at most [`MAX_BATCH_ENTRIES`].
             * @default []
             */
            metrics: components["schemas"]["MetricEntry"][];
            application?: null | components["schemas"]["Application"];
        };
        /** @description One event key's figures per variant. */
        EventReadout: {
            /** @description The event key. */
            event: string;
            /** @description Per variant served, by variant key. */
            variants: components["schemas"]["VariantMetric"][];
        };
        /** @description A period, as two RFC 3339 times. */
        EventWindow: {
            /**
             * Format: date-time
             * @description Start (inclusive).
             */
            start: string;
            /**
             * Format: date-time
             * @description End (exclusive).
             */
            end: string;
        } & {
            [key: string]: unknown;
        };
        EventsAccepted: {
            /**
             * Format: int64
             * @description Usage entries stored.
             */
            usage: number;
            /**
             * Format: int64
             * @description Metric events stored.
             */
            metrics: number;
            /**
             * Format: int64
             * @description Entries about flags or variants this key cannot see (dropped, not errors).
             */
            ignored: number;
            /** @description Entries refused, each with its pointer. */
            problems?: components["schemas"]["FieldProblem"][];
        };
        /** @description Everything evaluation looked at for one flag and context, in order. */
        Explanation: {
            /** @description The flag key. */
            flag: string;
            /** @description The result, identical to [`CompiledSnapshot::evaluate`]'s. */
            result: components["schemas"]["EvaluationRecord"];
            /** @description Whether the flag is enabled in this environment (`None` if it does not exist). */
            enabled: boolean | null;
            /** @description Prerequisites checked, in order. */
            prerequisites: components["schemas"]["PrerequisiteTrace"][];
            /** @description Whether the individual targets were checked, and whether the key was among them. */
            target_matched: boolean | null;
            /** @description Rules checked, in order; rules after the matching one are not checked. */
            rules: components["schemas"]["RuleTrace"][];
            bucket: null | components["schemas"]["BucketTrace"];
        };
        /** @description One thing wrong with a request document. */
        FieldProblem: {
            /** @description JSON pointer (RFC 6901) to the offending value in the request body. */
            pointer: string;
            message: string;
        };
        /** @description A flag's definition, shared by every environment of its project. */
        Flag: {
            /** @description Lower-case slug, unique in its project. */
            key: string;
            /** @description Human-readable name. */
            name: string;
            /** @description What the flag controls. */
            description: string;
            /** @description The type of every variant value. */
            kind: components["schemas"]["FlagKind"];
            /** @description Ordered list of the values the flag can serve. */
            variants: components["schemas"]["Variant"][];
            /** @description Free labels used for search. */
            tags: string[];
            /** @description Temporary or permanent. */
            lifecycle: components["schemas"]["Lifecycle"];
            /** @description Random string mixed into bucketing so that flags bucket independently. */
            salt: string;
            /** @description Whether client (browser) SDK keys may evaluate this flag. */
            client_visible: boolean;
        };
        /** @description A flag's code references over every scanned repository of its project. */
        FlagCodeReferences: {
            /** @description The flag key. */
            key: string;
            /**
             * Format: int64
             * @description Places in all repositories; 0 when scanned and not found.
             */
            count: number;
            last_scanned?: null | components["schemas"]["Timestamp"];
            /** @description The repositories that mention the key. */
            repositories: components["schemas"]["RepositoryReferences"][];
        };
        /** @description How a flag behaves in one environment. */
        FlagConfig: {
            /** @description When false the flag serves `off_variant` and nothing else is looked at. */
            enabled: boolean;
            /** @description Served when the flag is disabled or a prerequisite fails. */
            off_variant: string;
            /** @description Individual context keys pinned to a variant; checked before rules. */
            targets?: components["schemas"]["Target"][];
            /** @description Checked in order; the first rule whose conditions all hold decides. */
            rules?: components["schemas"]["Rule"][];
            /** @description Served when no target or rule applies. */
            default: components["schemas"]["Serve"];
            /** @description Other flags that must serve a given variant for this flag to be evaluated. */
            prerequisites?: components["schemas"]["Prerequisite"][];
            /**
             * Format: int64
             * @description Bumped on every change of this configuration.
             */
            version?: number;
        };
        /** @description A flag's configuration in one environment. */
        FlagConfigRecord: {
            /** @description When false the flag serves `off_variant` and nothing else is looked at. */
            enabled: boolean;
            /** @description Served when the flag is disabled or a prerequisite fails. */
            off_variant: string;
            /** @description Individual context keys pinned to a variant; checked before rules. */
            targets: components["schemas"]["Target"][];
            /** @description Checked in order; the first rule whose conditions all hold decides. */
            rules: components["schemas"]["Rule"][];
            /** @description Served when no target or rule applies. */
            default: components["schemas"]["Serve"];
            /** @description Other flags that must serve a given variant for this flag to be evaluated. */
            prerequisites: components["schemas"]["Prerequisite"][];
            /**
             * Format: int64
             * @description Bumped on every change of this configuration.
             */
            version: number;
        } & {
            /** @description The flag key. */
            flag: string;
            /** @description The environment key. */
            environment: string;
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /**
         * @description The type of every variant value of a flag.
         * @enum {string}
         */
        FlagKind: "boolean" | "string" | "number" | "json";
        /** @description A link from a flag to elsewhere. */
        FlagLink: {
            /** @default other */
            kind: components["schemas"]["LinkKind"];
            /**
             * @description An absolute `http` or `https` URL (at most 2 000 bytes) without user name or
             *     password, else 422.
             */
            url: string;
            /** @description What to show instead of the URL (at most 200 characters). */
            title?: string;
        };
        /** @description A flag's metadata, as stored and shown. */
        FlagMetadata: {
            /** @description A user's email or a team name; empty for none. */
            owner: string;
            /** @description Links, in the order given. */
            links: components["schemas"]["FlagLink"][];
            /** @description Free-form string properties by name. */
            properties: {
                [key: string]: string;
            };
        };
        /** @description Body of a flag update; absent fields stay as they are. */
        FlagPatch: {
            /** @description New name. */
            name?: string | null;
            /** @description New description. */
            description?: string | null;
            /** @description New variants (all of them, in order). */
            variants?: components["schemas"]["Variant"][] | null;
            /** @description New tags. */
            tags?: string[] | null;
            lifecycle?: null | components["schemas"]["Lifecycle"];
            /** @description New client visibility. */
            client_visible?: boolean | null;
            /** @description New owner (empty for none; at most 200 characters). */
            owner?: string | null;
            /** @description New links (all of them; at most 20). */
            links?: components["schemas"]["FlagLink"][] | null;
            properties?: {
                [key: string]: string;
            } | null;
        };
        /** @description A flag as the API shows it: its definition plus its state in every environment. */
        FlagRecord: {
            /** @description Lower-case slug, unique in its project. */
            key: string;
            /** @description Human-readable name. */
            name: string;
            /** @description What the flag controls. */
            description: string;
            /** @description The type of every variant value. */
            kind: components["schemas"]["FlagKind"];
            /** @description Ordered list of the values the flag can serve. */
            variants: components["schemas"]["Variant"][];
            /** @description Free labels used for search. */
            tags: string[];
            /** @description Temporary or permanent. */
            lifecycle: components["schemas"]["Lifecycle"];
            /** @description Random string mixed into bucketing so that flags bucket independently. */
            salt: string;
            /** @description Whether client (browser) SDK keys may evaluate this flag. */
            client_visible: boolean;
        } & {
            /** @description A user's email or a team name; empty for none. */
            owner: string;
            /** @description Links, in the order given. */
            links: components["schemas"]["FlagLink"][];
            /** @description Free-form string properties by name. */
            properties: {
                [key: string]: string;
            };
        } & {
            /**
             * Format: int64
             * @description Bumped on each change of the definition (ETag).
             */
            version: number;
            /** @description Whether the flag is archived (left out of every snapshot). */
            archived: boolean;
            /** @description When it was archived. */
            archived_at?: components["schemas"]["Timestamp"];
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change of the definition or of its configuration in any environment. */
            updated_at: components["schemas"]["Timestamp"];
            /** @description On/off and configuration version per environment key. */
            environments: {
                [key: string]: components["schemas"]["FlagState"];
            };
            last_evaluated_at: null | components["schemas"]["Timestamp"];
            /**
             * @description Not evaluated for longer than the configured stale period (or never, since
             *     being created longer ago than that).
             */
            stale: boolean;
        };
        /**
         * @description How the flags list is ordered.
         * @enum {string}
         */
        FlagSort: "key" | "last_evaluated";
        /** @description A flag's state in one environment, for listings. */
        FlagState: {
            /** @description Whether the flag is on there. */
            enabled: boolean;
            /**
             * Format: int64
             * @description The configuration's version there.
             */
            version: number;
        };
        /** @description The liveness answer. */
        Health: {
            status: components["schemas"]["HealthStatus"];
        };
        /**
         * @description Always `ok`.
         * @enum {string}
         */
        HealthStatus: "ok";
        /** @description `*`, or one version as an ETag (`"7"`, `W/"7"` or `7`). */
        IfMatchValue: string;
        /** @description One semantic edit of a configuration. */
        Instruction: {
            /** @enum {string} */
            kind: "turn_on";
        } | {
            /** @enum {string} */
            kind: "turn_off";
        } | {
            /** @description The variant key. */
            variant: string;
            /** @enum {string} */
            kind: "set_off_variant";
        } | {
            /** @description A variant or a rollout. */
            serve: components["schemas"]["Serve"];
            /** @enum {string} */
            kind: "set_default";
        } | {
            /** @description The rule's id; absent for the default. */
            rule?: string;
            /** @description Shares per variant. */
            weights: components["schemas"]["Weight"][];
            /** @description The attribute hashed; absent keeps the current one (the context key if none). */
            bucket_by?: string;
            /** @enum {string} */
            kind: "set_rollout";
        } | {
            /** @description The rule's id. */
            rule: string;
            /** @description A variant or a rollout. */
            serve: components["schemas"]["Serve"];
            /** @enum {string} */
            kind: "set_rule_serve";
        } | {
            /** @description The rule. */
            rule: components["schemas"]["Rule"];
            /** @description 0-based position; absent appends. */
            position?: number;
            /** @enum {string} */
            kind: "add_rule";
        } | {
            /** @description The new rule; its `id` names the rule replaced. */
            rule: components["schemas"]["Rule"];
            /** @enum {string} */
            kind: "replace_rule";
        } | {
            /** @description The rule's id. */
            rule: string;
            /** @enum {string} */
            kind: "remove_rule";
        } | {
            /** @description The rule's id. */
            rule: string;
            /** @description Where it goes. */
            position: number;
            /** @enum {string} */
            kind: "move_rule";
        } | {
            /** @description The variant they get. */
            variant: string;
            /** @description Context keys. */
            keys: string[];
            /** @enum {string} */
            kind: "add_targets";
        } | {
            /** @description Only this variant's; absent for any. */
            variant?: string;
            /** @description Context keys. */
            keys: string[];
            /** @enum {string} */
            kind: "remove_targets";
        } | {
            /** @description The flag's key. */
            flag: string;
            /** @description The variant it must serve. */
            variant: string;
            /** @enum {string} */
            kind: "add_prerequisite";
        } | {
            /** @description The flag's key. */
            flag: string;
            /** @enum {string} */
            kind: "remove_prerequisite";
        } | {
            /** @description The new list. */
            prerequisites: components["schemas"]["Prerequisite"][];
            /** @enum {string} */
            kind: "set_prerequisites";
        };
        /** @description A key's totals in a project's summary. */
        KeyTotal: {
            /** @description The key as found in code. */
            key: string;
            /**
             * Format: int64
             * @description Places in all repositories.
             */
            count: number;
            /** @description The names of the repositories that mention it. */
            repositories: string[];
        };
        /**
         * @description How a write treats the `weights` of a rollout that already exists at the same place.
         * @enum {string}
         */
        LayoutMode: "rebase" | "exact";
        /**
         * @description What a write did to the layout of one rollout.
         * @enum {string}
         */
        LayoutOutcome: "rebased" | "compacted" | "as_sent";
        /**
         * @description Whether a flag is meant to be removed once released.
         * @enum {string}
         */
        Lifecycle: "temporary" | "permanent";
        /**
         * @description What a link points at.
         * @enum {string}
         */
        LinkKind: "issue" | "docs" | "other";
        LoginRequest: {
            email: string;
            password: string;
        };
        /** @description A started dashboard session: the login token, when it expires, and the user. */
        LoginResponse: {
            token: string;
            expires_at: components["schemas"]["Timestamp"];
            user: components["schemas"]["User"];
        };
        Me: {
            user: components["schemas"]["User"];
            /** @enum {string} */
            kind: "user";
        } | {
            token: components["schemas"]["ApiToken"];
            /** @enum {string} */
            kind: "token";
        };
        /** @description One custom metric event (`track`). */
        MetricEntry: {
            /** @description The event key (see [`event_key_ok`]). */
            event: string;
            /**
             * Format: double
             * @description The value (1 for a plain count).
             * @default 1
             */
            value: number;
            /**
             * Format: date-time
             * @description When it happened (RFC 3339); absent means when the server receives it.
             */
            at?: string | null;
            /** @default {} */
            variants: {
                [key: string]: string;
            };
        } & {
            [key: string]: unknown;
        };
        /** @description One step. */
        MetricPoint: {
            /** @description Start of the step. */
            at: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description Events in the step.
             */
            count: number;
            /**
             * Format: double
             * @description Their mean value.
             */
            mean: number;
        };
        /** @description The metric events attributed to one flag's variants in one environment. */
        MetricReadout: {
            /** @description The flag. */
            flag: string;
            /** @description The environment. */
            environment: string;
            /**
             * Format: int64
             * @description Width of each point, in seconds (60 up to 6 hours, 3 600 beyond).
             */
            step_seconds: number;
            /** @description One entry per event key, by key. */
            events: components["schemas"]["EventReadout"][];
        };
        /** @description Body of a token creation. */
        NewApiToken: {
            /** @description What it is for. */
            name: string;
            /** @description Its role (at most the creator's). */
            role: components["schemas"]["Role"];
            /** @description Restrict it to one project. */
            project?: string | null;
            /**
             * Format: date-time
             * @description Expiry time (RFC 3339).
             */
            expires_at?: string | null;
        };
        /** @description Body of a change request's creation. */
        NewChangeRequest: {
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description What the change is, in a line (1 to 200 characters, not blank). */
            title: string;
            /** @description The instructions. */
            patch: components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description RFC 3339: when approved, schedule the change for this time instead of applying it.
             */
            scheduled_at?: string | null;
        };
        /** @description Body of an environment creation. */
        NewEnvironment: {
            /** @description Lower-case slug, unique in the project. */
            key: string;
            /** @description Display name (defaults to the key). */
            name?: string | null;
            /** @description Whether changes need an approval. */
            requires_approval?: boolean;
            /**
             * Format: int64
             * @description Approvals a change request needs (1 to [`MAX_REQUIRED_APPROVALS`], default 1).
             */
            required_approvals?: number | null;
        };
        /** @description Body of a flag creation. */
        NewFlag: {
            /** @description Lower-case slug, unique in the project; cannot change later. */
            key: string;
            /** @description Display name (defaults to the key). */
            name?: string | null;
            /**
             * @description What the flag controls.
             * @default
             */
            description: string;
            /** @description Value type; cannot change later. */
            kind: components["schemas"]["FlagKind"];
            /** @description Variants; a boolean flag without them gets `on` (true) and `off` (false). */
            variants?: components["schemas"]["Variant"][] | null;
            /**
             * @description Labels.
             * @default []
             */
            tags: string[];
            /** @description Temporary (default) or permanent. */
            lifecycle?: components["schemas"]["Lifecycle"];
            /**
             * @description Whether client SDK keys may evaluate it.
             * @default false
             */
            client_visible: boolean;
            /** @description A user's email or a team name (at most 200 characters). */
            owner?: string;
            /** @description Links to the issue tracker, documentation, ... (at most 20). */
            links?: components["schemas"]["FlagLink"][];
            properties?: {
                [key: string]: string;
            };
        };
        /** @description Body of a project creation. */
        NewProject: {
            /** @description Lower-case slug, unique. */
            key: string;
            /** @description Display name (defaults to the key). */
            name?: string | null;
            /** @description Free text. */
            description?: string;
        };
        /** @description Body of a scheduled change's creation. */
        NewScheduledChange: {
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description The instructions. */
            patch: components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description RFC 3339; not in the past.
             */
            run_at: string;
        };
        /** @description Body of an SDK key creation. */
        NewSdkKey: {
            /** @description Server or client. */
            kind: components["schemas"]["SdkKeyKind"];
            /** @description What it is for. */
            name?: string | null;
            /**
             * Format: date-time
             * @description Expiry time (RFC 3339), e.g. for the old key during a rotation.
             */
            expires_at?: string | null;
        };
        /** @description Body of a subscription's creation. */
        NewWebhook: {
            /** @description Where to POST. */
            url: string;
            /** @description Categories, at least one. */
            event_types: components["schemas"]["WebhookEventType"][];
            /** @description What it is for. */
            description?: string;
            /** @description On by default. */
            enabled?: boolean;
        };
        /** @description The results of a bulk evaluation. */
        OfrepBulkEvaluation: {
            /** @description One item per flag visible to the SDK key: its value, or why it has none. */
            flags: (components["schemas"]["OfrepEvaluationSuccess"] | components["schemas"]["OfrepEvaluationFailure"])[];
            metadata: components["schemas"]["OfrepBulkMetadata"];
            /** @description Where to receive change notifications in real time: one `sse` entry. */
            eventStreams?: components["schemas"]["OfrepEventStream"][];
        };
        /** @description Why a bulk request could not be used at all (no flag was evaluated). */
        OfrepBulkFailure: {
            /**
             * @description Error codes of a bulk request that could not be used.
             * @enum {string}
             */
            errorCode: "PARSE_ERROR" | "INVALID_CONTEXT";
            errorDetails: string;
        };
        /** @description The environment a bulk answer is about. */
        OfrepBulkMetadata: {
            /** @description The snapshot version, as a decimal string. */
            version: string;
            /** @description The environment key. */
            environment: string;
        };
        /**
         * @description An OpenFeature evaluation context. `targetingKey` becomes the context key; it may
         *     be absent or null (an anonymous context). Every other member becomes an attribute.
         */
        OfrepContext: {
            targetingKey?: string | null;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description Any other error of an OFREP route (a bad, revoked or expired key or stream token,
         *     a deleted environment, a wrong method, a server failure), in the protocol's shape.
         */
        OfrepError: {
            /** @description The flag key, on the single-flag route. */
            key?: string;
            /**
             * @description `GENERAL`, the code of every other error.
             * @enum {string}
             */
            errorCode: "GENERAL";
            /** @description What went wrong, for people. */
            errorDetails: string;
        };
        /** @description Why a flag has no value for this request or context. */
        OfrepEvaluationFailure: {
            key: string;
            /**
             * @description Error codes of a flag's failure.
             * @enum {string}
             */
            errorCode: "PARSE_ERROR" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "GENERAL";
            errorDetails: string;
        };
        /** @description An OFREP evaluation request; members other than `context` are ignored. */
        OfrepEvaluationRequest: {
            context: components["schemas"]["OfrepContext"];
        } & {
            [key: string]: unknown;
        };
        /** @description A flag's value for the context. */
        OfrepEvaluationSuccess: {
            /** @description The flag key. */
            key: string;
            value?: boolean | string | number | Record<string, never>;
            /**
             * @description The OpenFeature reasons.
             * @enum {string}
             */
            reason: "STATIC" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "UNKNOWN";
            /** @description The key of the variant served. */
            variant: string;
            metadata: components["schemas"]["OfrepFlagMetadata"];
        };
        /** @description A change notification connection: exactly one of `url` and `endpoint`. */
        OfrepEventStream: components["schemas"]["OfrepEventStreamByUrl"] | components["schemas"]["OfrepEventStreamByEndpoint"];
        /** @description A connection by its address in parts. */
        OfrepEventStreamByEndpoint: {
            /** @description The mechanism, e.g. `sse` (server-sent events). */
            type: string;
            endpoint: components["schemas"]["OfrepEventStreamEndpoint"];
            /**
             * Format: int64
             * @description Seconds of client inactivity after which the provider closes the connection.
             */
            inactivityDelaySec: number;
        };
        /** @description A connection by its full address. */
        OfrepEventStreamByUrl: {
            /** @description The mechanism, e.g. `sse` (server-sent events). */
            type: string;
            /** @description The full address to connect to; it may carry credentials, so it is not to be logged. */
            url: string;
            /**
             * Format: int64
             * @description Seconds of client inactivity after which the provider closes the connection.
             */
            inactivityDelaySec: number;
        };
        /** @description The address to connect to, in parts; without `origin`, the origin of the OFREP base URL. */
        OfrepEventStreamEndpoint: {
            /** @description Scheme, host and port. */
            origin?: string;
            /** @description Path and query, starting with `/`. */
            requestUri: string;
        };
        /** @description Vexil's details of an evaluation; every value is a string, a number or a boolean. */
        OfrepFlagMetadata: {
            /**
             * @description Vexil's own reasons.
             * @enum {string}
             */
            vexilReason: "DISABLED" | "PREREQUISITE_FAILED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT";
            /** @description The id of the rule that matched; only for server keys. */
            ruleId?: string;
            /**
             * Format: int64
             * @description The position of the rule that matched; only for server keys.
             */
            ruleIndex?: number;
        };
        /** @description No flag with this key is visible to the SDK key. */
        OfrepFlagNotFound: {
            key: string;
            /**
             * @description `FLAG_NOT_FOUND`.
             * @enum {string}
             */
            errorCode: "FLAG_NOT_FOUND";
            errorDetails: string;
        };
        /**
         * @description Condition operators. Unknown operators fail deserialisation, so they are rejected
         *     when a configuration is saved, never at evaluation time.
         * @enum {string}
         */
        Op: "in" | "contains" | "starts_with" | "ends_with" | "matches" | "lt" | "lte" | "gt" | "gte" | "semver_eq" | "semver_lt" | "semver_lte" | "semver_gt" | "semver_gte" | "before" | "after" | "in_segment" | "exists";
        /**
         * @description How one condition came out before `negate` was applied.
         * @enum {string}
         */
        Outcome: "matched" | "not_matched" | "missing" | "type_mismatch";
        /** @description A cursor-paginated list. */
        Page_ApiToken: {
            /** @description This page's items. */
            items: {
                /** @description Random id. */
                id: string;
                /** @description What it is for. */
                name: string;
                /** @description The first characters of the secret, to recognise it. */
                prefix: string;
                /** @description The role it was given. */
                role: components["schemas"]["Role"];
                /**
                 * @description What it may do now: its role, lowered to its creator's current role (computed
                 *     when it is read, so a demotion takes effect at once).
                 */
                effective_role: components["schemas"]["Role"];
                /** @description The only project it may touch, if scoped. */
                project: string | null;
                /** @description Who created it, as the audit log names them. */
                created_by: string;
                /**
                 * @description The user it acts for: who created it, or who created the token that created it.
                 *     `None` for tokens made before this was recorded whose creator could not be
                 *     worked out; those keep their own role.
                 */
                created_by_user_id: string | null;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                expires_at: null | components["schemas"]["Timestamp"];
                last_used_at: null | components["schemas"]["Timestamp"];
                revoked_at: null | components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_AuditEntry: {
            /** @description This page's items. */
            items: {
                /**
                 * Format: int64
                 * @description Increasing id.
                 */
                id: number;
                /** @description When. */
                at: components["schemas"]["Timestamp"];
                /** @description Who: `user:<email>`, `token:<name>` or `system`. */
                actor: string;
                /** @description What, e.g. `flag.create`. */
                action: string;
                /** @description The kind of resource. */
                resource_type: string;
                /** @description The resource, e.g. `default/new-checkout/production`. */
                resource_key: string;
                /** @description The project, when the resource belongs to one. */
                project: string | null;
                /** @description The environment, when the resource belongs to one. */
                environment: string | null;
                /** @description The document before the change. */
                before: JsonValue;
                /** @description The document after the change. */
                after: JsonValue;
                /**
                 * @description The resource's display name when the change was made (an SDK key's or API
                 *     token's name, a user's name or email...), taken from the entry's own documents so
                 *     that it stays right after the resource is renamed or deleted; `None` for
                 *     resources without a name of their own (flag configurations).
                 */
                resource_name: string | null;
                /** @description What the author said about the change, e.g. why a flag was switched off. */
                comment: string | null;
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_ChangeRequest: {
            /** @description This page's items. */
            items: {
                /**
                 * Format: int64
                 * @description Id, unique across projects.
                 */
                id: number;
                /** @description The flag's key. */
                flag: string;
                /** @description The environment's key. */
                environment: string;
                /** @description What the change is, in a line. */
                title: string;
                /** @description The instructions. */
                patch: components["schemas"]["Patch"];
                /**
                 * Format: int64
                 * @description The configuration version the author saw.
                 */
                base_version: number;
                /** @description Who asked, as the audit log names them. */
                author: string;
                /** @description Where it stands. */
                state: components["schemas"]["ChangeRequestState"];
                /** @description Why it was rejected or conflicted. */
                reason?: string;
                /** @description When set, approval schedules the change for this time instead of applying it. */
                scheduled_at?: components["schemas"]["Timestamp"];
                /**
                 * Format: int64
                 * @description The configuration version its application wrote (or found, when it changed
                 *     nothing).
                 */
                applied_version?: number;
                /**
                 * Format: int64
                 * @description The scheduled change approval made of it.
                 */
                scheduled_change_id?: number;
                /**
                 * Format: int64
                 * @description Approvals the environment requires (read now; at approval time for closed ones).
                 */
                required_approvals: number;
                /** @description Approvals given. */
                approvals: components["schemas"]["ChangeRequestApproval"][];
                /** @description The comment thread, oldest first. */
                comments: components["schemas"]["ChangeRequestComment"][];
                /**
                 * Format: int64
                 * @description Bumped on each change of the request (ETag).
                 */
                version: number;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_Environment: {
            /** @description This page's items. */
            items: {
                /** @description Lower-case slug, unique in the project. */
                key: string;
                /** @description Display name. */
                name: string;
                /**
                 * Format: int64
                 * @description Display order, from 0.
                 */
                position: number;
                /** @description Whether changes need an approval (enforced by the approvals feature). */
                requires_approval: boolean;
                /**
                 * Format: int64
                 * @description How many approvals a change request needs here (from editors other than its
                 *     author), at least 1.
                 */
                required_approvals: number;
                /**
                 * Format: int64
                 * @description Bumped on each change of the fields above (ETag).
                 */
                version: number;
                /**
                 * Format: int64
                 * @description Bumped on each change to what the environment serves; the SDK snapshot version.
                 */
                snapshot_version: number;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change of the fields above. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_FlagRecord: {
            /** @description This page's items. */
            items: ({
                /** @description Lower-case slug, unique in its project. */
                key: string;
                /** @description Human-readable name. */
                name: string;
                /** @description What the flag controls. */
                description: string;
                /** @description The type of every variant value. */
                kind: components["schemas"]["FlagKind"];
                /** @description Ordered list of the values the flag can serve. */
                variants: components["schemas"]["Variant"][];
                /** @description Free labels used for search. */
                tags: string[];
                /** @description Temporary or permanent. */
                lifecycle: components["schemas"]["Lifecycle"];
                /** @description Random string mixed into bucketing so that flags bucket independently. */
                salt: string;
                /** @description Whether client (browser) SDK keys may evaluate this flag. */
                client_visible: boolean;
            } & {
                /** @description A user's email or a team name; empty for none. */
                owner: string;
                /** @description Links, in the order given. */
                links: components["schemas"]["FlagLink"][];
                /** @description Free-form string properties by name. */
                properties: {
                    [key: string]: string;
                };
            } & {
                /**
                 * Format: int64
                 * @description Bumped on each change of the definition (ETag).
                 */
                version: number;
                /** @description Whether the flag is archived (left out of every snapshot). */
                archived: boolean;
                /** @description When it was archived. */
                archived_at?: components["schemas"]["Timestamp"];
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change of the definition or of its configuration in any environment. */
                updated_at: components["schemas"]["Timestamp"];
                /** @description On/off and configuration version per environment key. */
                environments: {
                    [key: string]: components["schemas"]["FlagState"];
                };
                last_evaluated_at: null | components["schemas"]["Timestamp"];
                /**
                 * @description Not evaluated for longer than the configured stale period (or never, since
                 *     being created longer ago than that).
                 */
                stale: boolean;
            })[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_Project: {
            /** @description This page's items. */
            items: {
                /** @description Lower-case slug. */
                key: string;
                /** @description Display name. */
                name: string;
                /** @description Free text. */
                description: string;
                /**
                 * Format: int64
                 * @description Bumped on each change of the fields above (ETag).
                 */
                version: number;
                /**
                 * Format: date-time
                 * @description Creation time.
                 */
                created_at: string;
                /**
                 * Format: date-time
                 * @description Last change.
                 */
                updated_at: string;
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_ScheduledChange: {
            /** @description This page's items. */
            items: {
                /**
                 * Format: int64
                 * @description Id, unique across projects.
                 */
                id: number;
                /** @description The flag's key. */
                flag: string;
                /** @description The environment's key. */
                environment: string;
                /** @description The instructions. */
                patch: components["schemas"]["Patch"];
                /** @description When it is due. */
                run_at: components["schemas"]["Timestamp"];
                /** @description Where it stands. */
                state: components["schemas"]["ScheduledState"];
                /**
                 * @description Who scheduled it (or authored the change request it came from); the scheduler
                 *     acts on their behalf.
                 */
                author: string;
                /**
                 * Format: int64
                 * @description The approved change request it came from.
                 */
                change_request_id?: number;
                /** @description When it ran. */
                ran_at?: components["schemas"]["Timestamp"];
                /**
                 * @description Whether it ran late: due while no replica was running, or more than
                 *     [`LATE_AFTER_MS`] after its time.
                 */
                ran_late: boolean;
                /**
                 * Format: int64
                 * @description How long after `run_at` it ran, in milliseconds.
                 */
                late_by_ms?: number;
                /** @description Why it failed. */
                reason?: string;
                /**
                 * Format: int64
                 * @description The configuration version it wrote (absent when it changed nothing).
                 */
                result_version?: number;
                /**
                 * Format: int64
                 * @description Bumped on each change (ETag).
                 */
                version: number;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_SdkKey: {
            /** @description This page's items. */
            items: {
                /** @description Random id. */
                id: string;
                /** @description What it is for. */
                name: string;
                /** @description Server or client. */
                kind: components["schemas"]["SdkKeyKind"];
                /** @description The first characters of the secret. */
                prefix: string;
                /** @description The project. */
                project: string;
                /** @description The environment. */
                environment: string;
                /** @description Who created it. */
                created_by: string;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                expires_at: null | components["schemas"]["Timestamp"];
                revoked_at: null | components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_SegmentSummary: {
            /** @description This page's items. */
            items: {
                /** @description Lower-case slug, unique in its project. */
                key: string;
                /** @description Human-readable name. */
                name: string;
                /** @description Who this audience is. */
                description: string;
                /** @description How many context keys are always in. */
                included_count: number;
                /** @description How many are never in. */
                excluded_count: number;
                /** @description A context matching any rule is in the segment. */
                rules: components["schemas"]["SegmentRule"][];
                /**
                 * Format: int64
                 * @description Bumped on every change.
                 */
                version: number;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_User: {
            /** @description This page's items. */
            items: {
                /** @description Random id. */
                id: string;
                /** @description Login name. */
                email: string;
                /** @description Display name. */
                name: string;
                /** @description What the user may do. */
                role: components["schemas"]["Role"];
                /** @description Disabled users cannot log in. */
                disabled: boolean;
                /**
                 * Format: int64
                 * @description ETag.
                 */
                version: number;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_Webhook: {
            /** @description This page's items. */
            items: {
                /** @description Random id. */
                id: string;
                /** @description The project whose events it receives. */
                project: string;
                /** @description Where events are POSTed: http or https, nothing else. */
                url: string;
                /** @description What it is for. */
                description: string;
                /** @description The categories of events it receives. */
                event_types: components["schemas"]["WebhookEventType"][];
                /** @description Whether events are recorded and delivered for it. */
                enabled: boolean;
                /** @description Who created it. */
                created_by: string;
                /** @description Creation time. */
                created_at: components["schemas"]["Timestamp"];
                /** @description Last change. */
                updated_at: components["schemas"]["Timestamp"];
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A cursor-paginated list. */
        Page_WebhookDelivery: {
            /** @description This page's items. */
            items: {
                /**
                 * Format: int64
                 * @description Increasing id.
                 */
                id: number;
                /** @description The subscription. */
                webhook_id: string;
                /** @description The `webhook-id` header: the same for every attempt and redelivery of the event. */
                message_id: string;
                /** @description The subscription's category the event belongs to. */
                category: components["schemas"]["WebhookEventType"];
                /** @description The event's type, e.g. `flag_config.toggle`. */
                event_type: string;
                /** @description Where it stands. */
                status: components["schemas"]["DeliveryStatus"];
                /**
                 * Format: int64
                 * @description Attempts made so far.
                 */
                attempts: number;
                /**
                 * Format: int64
                 * @description HTTP status of the last answer, if one came.
                 */
                response_code: number | null;
                /**
                 * Format: int64
                 * @description Time the last attempt took, in milliseconds.
                 */
                latency_ms: number | null;
                /** @description Why the last attempt failed. */
                last_error: string | null;
                /** @description The start of the last answer's body (at most 1 KiB). */
                response_excerpt: string | null;
                /** @description When the event was recorded. */
                created_at: components["schemas"]["Timestamp"];
                last_attempt_at: null | components["schemas"]["Timestamp"];
                next_attempt_at: null | components["schemas"]["Timestamp"];
                finished_at: null | components["schemas"]["Timestamp"];
                /**
                 * Format: int64
                 * @description The delivery this one repeats by hand.
                 */
                redelivery_of: number | null;
            }[];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A patch: instructions applied in order. */
        Patch: {
            /** @description What to do, in order. */
            instructions: components["schemas"]["Instruction"][];
            /** @description Why, for the audit log. */
            comment?: string;
        };
        /**
         * @description Where a plan stands.
         * @enum {string}
         */
        PlanState: "draft" | "running" | "paused" | "rolled_back" | "completed";
        /** @description A flag that must serve a given variant before this flag is evaluated. */
        Prerequisite: {
            /** @description The key of the prerequisite flag. */
            flag: string;
            /** @description The variant it must serve. */
            variant: string;
        };
        /** @description One prerequisite check. */
        PrerequisiteTrace: {
            /** @description The prerequisite flag. */
            flag: string;
            /** @description The variant it had to serve. */
            required_variant: string;
            /** @description What it served (`None` on error). */
            served_variant: string | null;
            /** @description Whether the prerequisite held. */
            holds: boolean;
        };
        /**
         * @description An RFC 9457 problem document, as `http/error.rs` renders it (documentation only: the
         *     renderer borrows its fields).
         */
        Problem: {
            /** @description A stable identifier clients can switch on. */
            type: "urn:vexil:problem:bad-request" | "urn:vexil:problem:validation" | "urn:vexil:problem:unauthorized" | "urn:vexil:problem:forbidden" | "urn:vexil:problem:not-found" | "urn:vexil:problem:method-not-allowed" | "urn:vexil:problem:conflict" | "urn:vexil:problem:approval-required" | "urn:vexil:problem:version-mismatch" | "urn:vexil:problem:if-match-required" | "urn:vexil:problem:payload-too-large" | "urn:vexil:problem:unsupported-media-type" | "urn:vexil:problem:rate-limited" | "urn:vexil:problem:unavailable" | "urn:vexil:problem:internal";
            /** @description The HTTP reason phrase of `status`. */
            title: string;
            /** Format: int32 */
            status: number;
            /** @description What went wrong, for people. */
            detail: string;
            /** @description Field-level problems (400 and 422); absent when there are none. */
            errors?: components["schemas"]["FieldProblem"][];
            /** @description What depends on the thing a 409 refused to break; absent when none are known. */
            dependents?: string[];
            /**
             * Format: int64
             * @description With 412, the resource's current version.
             */
            current_version?: number;
        };
        /** @description A project. */
        Project: {
            /** @description Lower-case slug. */
            key: string;
            /** @description Display name. */
            name: string;
            /** @description Free text. */
            description: string;
            /**
             * Format: int64
             * @description Bumped on each change of the fields above (ETag).
             */
            version: number;
            /**
             * Format: date-time
             * @description Creation time.
             */
            created_at: string;
            /**
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
        };
        /** @description A project's code references: its scans and the totals per key. */
        ProjectCodeReferences: {
            last_scanned?: null | components["schemas"]["Timestamp"];
            /** @description The latest scan of each repository, by name. */
            scans: components["schemas"]["CodeRefsScan"][];
            /** @description Every key some repository mentions, by key (keys of no flag included). */
            keys: components["schemas"]["KeyTotal"][];
        };
        /** @description Body of a project update; absent fields stay as they are. */
        ProjectPatch: {
            /** @description New display name. */
            name?: string | null;
            /** @description New description. */
            description?: string | null;
        };
        /**
         * @description The reason without its details.
         * @enum {string}
         */
        ReasonKind: "DISABLED" | "PREREQUISITE_FAILED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "ERROR";
        RejectRequest: {
            reason?: string | null;
        };
        /** @description A release plan as the API shows it. */
        ReleasePlan: {
            /** @description The variant being released. */
            treatment: string;
            /** @description The variant it replaces, served to the rest of the place. */
            control: string;
            /** @description The rule (by id) whose serve the plan steps; absent: the default serve. */
            rule?: string;
            /** @description The steps; by default [`default_steps`]. */
            steps: components["schemas"]["ReleasePlanStep"][];
            /** @description The guardrails. */
            guardrails: components["schemas"]["ReleasePlanGuardrail"][];
            /**
             * Format: double
             * @description False-alarm rate over the whole plan (all guardrails together), in (0, 0.5].
             * @default 0.05
             */
            alpha: number;
            /**
             * Format: int64
             * @description Exposures per arm at which the analysis is tightest (1 to 1,000,000,000).
             * @default 10000
             */
            planned_exposures: number;
        } & {
            /**
             * Format: int64
             * @description Id, unique across projects.
             */
            id: number;
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description Where it stands. */
            state: components["schemas"]["PlanState"];
            /**
             * Format: int64
             * @description The current step's index in `steps`.
             */
            step: number;
            /** @description When it started. */
            started_at?: components["schemas"]["Timestamp"];
            /** @description When the current step began. */
            step_started_at?: components["schemas"]["Timestamp"];
            /** @description Why it is where it is (the last decision's reason). */
            reason?: string;
            /**
             * @description The last look: per arm exposures, and per guardrail each arm's estimate and
             *     bounds and the verdict.
             */
            analysis?: Record<string, never>;
            /** @description When the runner last looked. */
            looked_at?: components["schemas"]["Timestamp"];
            /** @description Who created it. */
            author: string;
            /**
             * Format: int64
             * @description Bumped on each change (ETag).
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description The change request whose approval starts the plan, in an environment that
             *     requires approval (`POST …/start` there opens it).
             */
            change_request_id?: number;
        };
        /** @description The optional body of a manual action. */
        ReleasePlanActionRequest: {
            /** @description Why, for the audit entry (at most 1,000 characters; empty means none). */
            comment?: string | null;
        };
        ReleasePlanGateMetadata: {
            /**
             * @description An API token (`vx_api_...`) with at least the viewer role in the project, for a
             *     caller that cannot send an `Authorization` header; ignored when one is sent.
             */
            token?: string | null;
        };
        /**
         * @description A webhook's body as Flagger sends it (`name`, `namespace`, `phase`, `checksum`,
         *     `metadata`): only `metadata.token` is read, and other fields are ignored, so that
         *     the tool's payload is taken as it is.
         */
        ReleasePlanGateRequest: {
            /** @description The webhook's own fields (`name`, `namespace`, `phase`, ...) are ignored. */
            metadata?: components["schemas"]["ReleasePlanGateMetadata"];
        };
        /** @description A metric the treatment must not make worse. */
        ReleasePlanGuardrail: {
            /** @description The tracked event key (`http_5xx`, `latency_ms`). */
            event: string;
            /**
             * @description `rate`: events per exposure (an error rate); `mean`: the mean of the event's
             *     values.
             */
            measure: "rate" | "mean" | "p95" | "prometheus";
            /**
             * @description Which way is worse; by default higher.
             * @default higher_is_worse
             */
            direction: "higher_is_worse" | "lower_is_worse";
            /**
             * Format: double
             * @description Tolerated relative degradation (0.1: up to 10 % worse passes), 0 to 10; default 0.
             * @default 0
             */
            tolerance: number;
            /**
             * Format: double
             * @description `p95` and `prometheus` only: tolerated absolute degradation, in the event's unit
             *     (50 with `latency_ms`: a p95 up to 50 ms worse passes), on top of `tolerance`,
             *     0 to 10^12; default 0.
             * @default 0
             */
            absolute_tolerance: number;
            /**
             * @description `prometheus` only: a PromQL instant query giving one number, with `{{variant}}`
             *     where the arm's variant key goes (`event` then names the guardrail).
             */
            query?: string;
        };
        /** @description A plan as created: what is released where, in which steps, watched by what. */
        ReleasePlanSpec: {
            /** @description The variant being released. */
            treatment: string;
            /** @description The variant it replaces, served to the rest of the place. */
            control: string;
            /** @description The rule (by id) whose serve the plan steps; absent: the default serve. */
            rule?: string;
            /** @description The steps; by default [`default_steps`]. */
            steps?: components["schemas"]["ReleasePlanStep"][];
            /** @description The guardrails. */
            guardrails?: components["schemas"]["ReleasePlanGuardrail"][];
            /**
             * Format: double
             * @description False-alarm rate over the whole plan (all guardrails together), in (0, 0.5].
             * @default 0.05
             */
            alpha: number;
            /**
             * Format: int64
             * @description Exposures per arm at which the analysis is tightest (1 to 1,000,000,000).
             * @default 10000
             */
            planned_exposures: number;
        };
        /** @description One step: the treatment's share, and what must hold before the next one. */
        ReleasePlanStep: {
            /**
             * Format: double
             * @description The treatment's share of the place, in percent (0.001 to 100, in steps of 0.001).
             */
            percent: number;
            /**
             * Format: int64
             * @description Shortest time on this step, in seconds (0 to 2,592,000: 30 days).
             * @default 600
             */
            min_duration_seconds: number;
            /**
             * Format: int64
             * @description Fewest exposures each arm must get on this step (the treatment only, at 100 %;
             *     0 to 100,000,000).
             * @default 100
             */
            min_exposures: number;
        };
        /** @description Whether a plan lets a deployment go on, and why. */
        ReleasePlanVerdict: {
            /** @description Running, completed or not started, with no guardrail worse at the last look. */
            healthy: boolean;
            /** @description The plan's state. */
            state: components["schemas"]["PlanState"];
            /** @description The current step's index. */
            step: number;
            /**
             * Format: double
             * @description The treatment's share on the current step, in percent.
             */
            percent: number;
            /** @description The guardrails worse at the last look, by event key. */
            worse: string[];
            /** @description Why the plan is where it is. */
            reason?: string;
        };
        /** @description One repository's references to a flag. */
        RepositoryReferences: {
            /** @description The repository's name. */
            repository: string;
            /** @description The commit scanned, if given. */
            commit?: string | null;
            /** @description The branch scanned, if given. */
            branch?: string | null;
            /** @description When the tree was scanned. */
            scanned_at: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description How many places mention the key.
             */
            count: number;
            /** @description Up to 20 of them. */
            locations: components["schemas"]["CodeLocation"][];
        };
        RestoreRequest: {
            /**
             * Format: int64
             * @description The earlier version to put back (versions start at 1).
             */
            version: number;
            /** @description Why (at most 1 000 characters): stored on the audit entry. */
            comment?: string | null;
        };
        /**
         * @description A user's or token's role. Each role can do everything the roles below it can.
         * @enum {string}
         */
        Role: "viewer" | "editor" | "admin" | "owner";
        /** @description A percentage split over variants. */
        Rollout: {
            /** @description The attribute hashed; absent or `key` means the context key. */
            bucket_by?: string;
            /** @description Variant shares in thousandths of a percent; they sum to 100 000. */
            weights: components["schemas"]["Weight"][];
        };
        /** @description The effect of a write on one place that serves a rollout before or after it. */
        RolloutChange: {
            /**
             * @description JSON pointer to the serve in the written configuration: `/default` or
             *     `/rules/{index}/serve`.
             */
            pointer: string;
            /** @description The rule's id, for a rule. */
            rule_id?: string;
            /** @description What happened to the layout. */
            layout: components["schemas"]["LayoutOutcome"];
            /** @description Whether the attribute hashed changed (then `moved` cannot be known). */
            bucket_by_changed: boolean;
            /**
             * Format: int32
             * @description The fewest buckets (out of 100 000) the new weights require to change variant.
             */
            required: number;
            /**
             * Format: int32
             * @description Buckets (out of 100 000) whose variant changes; `None` when `bucket_by` changed.
             */
            moved: number | null;
        };
        /** @description A targeting rule: when every condition holds, `serve` decides. */
        Rule: {
            /** @description Stable identifier reported with `TARGETING_MATCH`; unique within the flag. */
            id?: string;
            /** @description Free text for people. */
            description?: string;
            /** @description All must hold. An empty list always holds. */
            conditions?: components["schemas"]["Condition"][];
            /** @description What a matching context gets. */
            serve: components["schemas"]["Serve"];
        };
        /** @description One rule check. */
        RuleTrace: {
            /** @description Position in the configuration. */
            index: number;
            /** @description The rule id. */
            id: string;
            /** @description Whether every condition held. */
            matched: boolean;
            /** @description Conditions checked, in order; checking stops at the first that fails. */
            conditions: components["schemas"]["ConditionTrace"][];
        };
        /** @description A scheduled change as the API shows it. */
        ScheduledChange: {
            /**
             * Format: int64
             * @description Id, unique across projects.
             */
            id: number;
            /** @description The flag's key. */
            flag: string;
            /** @description The environment's key. */
            environment: string;
            /** @description The instructions. */
            patch: components["schemas"]["Patch"];
            /** @description When it is due. */
            run_at: components["schemas"]["Timestamp"];
            /** @description Where it stands. */
            state: components["schemas"]["ScheduledState"];
            /**
             * @description Who scheduled it (or authored the change request it came from); the scheduler
             *     acts on their behalf.
             */
            author: string;
            /**
             * Format: int64
             * @description The approved change request it came from.
             */
            change_request_id?: number;
            /** @description When it ran. */
            ran_at?: components["schemas"]["Timestamp"];
            /**
             * @description Whether it ran late: due while no replica was running, or more than
             *     [`LATE_AFTER_MS`] after its time.
             */
            ran_late: boolean;
            /**
             * Format: int64
             * @description How long after `run_at` it ran, in milliseconds.
             */
            late_by_ms?: number;
            /** @description Why it failed. */
            reason?: string;
            /**
             * Format: int64
             * @description The configuration version it wrote (absent when it changed nothing).
             */
            result_version?: number;
            /**
             * Format: int64
             * @description Bumped on each change (ETag).
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description Body of a scheduled change's edit; absent fields stay as they are. */
        ScheduledChangePatch: {
            patch?: null | components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description New time, RFC 3339; not in the past.
             */
            run_at?: string | null;
        };
        /**
         * @description Where a scheduled change stands.
         * @enum {string}
         */
        ScheduledState: "pending" | "running" | "done" | "failed" | "cancelled";
        /** @description An SDK key's metadata (the secret is never stored). */
        SdkKey: {
            /** @description Random id. */
            id: string;
            /** @description What it is for. */
            name: string;
            /** @description Server or client. */
            kind: components["schemas"]["SdkKeyKind"];
            /** @description The first characters of the secret. */
            prefix: string;
            /** @description The project. */
            project: string;
            /** @description The environment. */
            environment: string;
            /** @description Who created it. */
            created_by: string;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            expires_at: null | components["schemas"]["Timestamp"];
            revoked_at: null | components["schemas"]["Timestamp"];
        };
        /**
         * @description The two kinds of SDK key.
         * @enum {string}
         */
        SdkKeyKind: "server" | "client";
        /** @description A reusable audience. Every member is always sent (the defaults read older documents). */
        Segment: {
            /** @description Lower-case slug, unique in its project. */
            key: string;
            /** @description Human-readable name. */
            name: string;
            /** @description Who this audience is. */
            description: string;
            /** @description Context keys always in the segment. */
            included: string[];
            /** @description Context keys never in the segment (unless also included). */
            excluded: string[];
            /** @description A context matching any rule is in the segment. */
            rules: components["schemas"]["SegmentRule"][];
            /**
             * Format: int64
             * @description Bumped on every change.
             */
            version: number;
        };
        /** @description Body of a segment creation or replacement. */
        SegmentBody: {
            /** @description Lower-case slug; required on creation, optional (and unchangeable) on replace. */
            key?: string | null;
            /**
             * @description Display name.
             * @default
             */
            name: string;
            /**
             * @description Who the audience is.
             * @default
             */
            description: string;
            /**
             * @description Context keys always in.
             * @default []
             */
            included: string[];
            /**
             * @description Context keys never in (unless included).
             * @default []
             */
            excluded: string[];
            /**
             * @description A context matching any rule is in.
             * @default []
             */
            rules: components["schemas"]["SegmentRule"][];
        };
        /** @description A segment as the API shows it. */
        SegmentRecord: {
            /** @description Lower-case slug, unique in its project. */
            key: string;
            /** @description Human-readable name. */
            name: string;
            /** @description Who this audience is. */
            description: string;
            /** @description Context keys always in the segment. */
            included: string[];
            /** @description Context keys never in the segment (unless also included). */
            excluded: string[];
            /** @description A context matching any rule is in the segment. */
            rules: components["schemas"]["SegmentRule"][];
            /**
             * Format: int64
             * @description Bumped on every change.
             */
            version: number;
        } & {
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description A segment rule: every condition must hold. */
        SegmentRule: {
            /** @description Optional identifier for people and traces. */
            id?: string;
            /** @description All must hold. `in_segment` is not allowed inside segments. */
            conditions?: components["schemas"]["Condition"][];
        };
        /**
         * @description A segment in the list: everything but the member keys, which only the segment's own
         *     route returns (a list of large segments would otherwise carry every key).
         */
        SegmentSummary: {
            /** @description Lower-case slug, unique in its project. */
            key: string;
            /** @description Human-readable name. */
            name: string;
            /** @description Who this audience is. */
            description: string;
            /** @description How many context keys are always in. */
            included_count: number;
            /** @description How many are never in. */
            excluded_count: number;
            /** @description A context matching any rule is in the segment. */
            rules: components["schemas"]["SegmentRule"][];
            /**
             * Format: int64
             * @description Bumped on every change.
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description What a rule or the default serves: one variant, or a percentage split. */
        Serve: {
            /** @description Always this variant. */
            variant: string;
        } | {
            /** @description A split by consistent hashing. */
            rollout: components["schemas"]["Rollout"];
        };
        /**
         * @description One event of a `text/event-stream` body (the fields of the WHATWG event-stream
         *     format); `data` holds JSON as text. Comment lines (keep-alives) carry no event.
         *     Documentation only; open (not closed like the JSON objects): it describes a text format.
         */
        ServerSentEvent: {
            event?: string;
            data?: string;
            id?: string;
            /** Format: int64 */
            retry?: number;
        };
        SessionRequest: {
            handoff: string;
        };
        SetupRequest: {
            /** @description The password the server printed at first start. */
            setup_password: string;
            email: string;
            name?: string;
            password: string;
        };
        SetupState: {
            pending: boolean;
            /** @description The generated owner's email while set-up is pending. */
            email: string | null;
        };
        /** @description Everything an SDK needs to evaluate every flag of one environment. */
        Snapshot: {
            /** @description The environment key. */
            environment: string;
            /**
             * Format: int64
             * @description The environment version: bumped by every committed change.
             */
            version: number;
            /** @description Every flag of the project (archived flags are left out). */
            flags: components["schemas"]["SnapshotFlag"][];
            /** @description Every segment of the project. */
            segments: components["schemas"]["Segment"][];
        };
        /**
         * @description What a flag needs for evaluation in one environment: its definition's evaluation
         *     fields and its configuration there.
         */
        SnapshotFlag: {
            /** @description The flag key. */
            key: string;
            /** @description The type of every variant value. */
            kind: components["schemas"]["FlagKind"];
            /** @description Bucketing salt. */
            salt: string;
            /** @description Ordered variants. */
            variants: components["schemas"]["Variant"][];
            /** @description Whether client SDK keys may evaluate it (always sent; absent in older snapshots). */
            client_visible: boolean;
            /** @description The configuration in this environment. */
            config: components["schemas"]["FlagConfig"];
        };
        SsoConfig: {
            /** @description The provider's name for the button (`VEXIL_OIDC_PROVIDER_NAME`). */
            name: string;
            /** @description Where the browser goes to log in (add `?next=<path>`). */
            login_url: string;
        };
        StreamToken: {
            token: string;
            expires_at: components["schemas"]["Timestamp"];
        };
        /** @description Context keys that always get one variant. */
        Target: {
            /** @description The variant served. */
            variant: string;
            /** @description Context keys (targeting keys) that get it. */
            keys: string[];
        };
        /** Format: date-time */
        Timestamp: string;
        ToggleRequest: {
            enabled: boolean;
            /** @description Why (at most 1 000 characters): stored on the audit entry. */
            comment?: string | null;
            /**
             * @description Turn the flag off in an environment that requires approval, without one: needs
             *     `enabled: false` and a comment; audited as `flag.break_glass_off`.
             * @default false
             */
            break_glass: boolean;
        } & unknown;
        UpdateUser: {
            name?: string | null;
            role?: null | components["schemas"]["Role"];
            /** @description 10 to 256 characters. */
            password?: string | null;
            /** @description Required when changing one's own password. */
            current_password?: string | null;
            disabled?: boolean | null;
        };
        /** @description One key's references in an uploaded scan. */
        UploadedKey: {
            /** @description The flag key as found in the code. */
            key: string;
            /**
             * Format: int64
             * @description How many places mention it (at least 1 and at least the number of `locations`).
             */
            count: number;
            /** @description Up to 20 of those places. */
            locations?: components["schemas"]["CodeLocation"][];
        };
        /** @description How often one variant of one flag was served. */
        UsageEntry: {
            /** @description The flag key. */
            flag: string;
            /** @description The variant key. */
            variant: string;
            /**
             * Format: int64
             * @description Evaluations.
             */
            count: number;
        } & {
            [key: string]: unknown;
        };
        /** @description One point. */
        UsagePoint: {
            /** @description Start of the step. */
            at: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description Evaluations in the step (steps without any are left out).
             */
            count: number;
        };
        /** @description A usage time series of one flag in one environment. */
        UsageSeries: {
            /** @description The flag. */
            flag: string;
            /** @description The environment. */
            environment: string;
            /** @enum {integer} */
            step_seconds: 60 | 3600;
            /** @description One series per variant. */
            series: components["schemas"]["VariantSeries"][];
        };
        /** @description A user (never with the password hash in JSON). */
        User: {
            /** @description Random id. */
            id: string;
            /** @description Login name. */
            email: string;
            /** @description Display name. */
            name: string;
            /** @description What the user may do. */
            role: components["schemas"]["Role"];
            /** @description Disabled users cannot log in. */
            disabled: boolean;
            /**
             * Format: int64
             * @description ETag.
             */
            version: number;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description One possible value of a flag. */
        Variant: {
            /** @description Unique within the flag; rules and rollouts refer to it. */
            key: string;
            /** @description The value served; must be of the flag's kind. */
            value: JsonValue;
            /** @description Human-readable name. */
            name?: string;
            /** @description What this variant means. */
            description?: string;
        };
        /** @description One variant's figures for one event. */
        VariantMetric: {
            /** @description The variant. */
            variant: string;
            /**
             * Format: int64
             * @description Events over the whole span.
             */
            count: number;
            /**
             * Format: double
             * @description Mean value over the whole span.
             */
            mean: number;
            /**
             * Format: double
             * @description Sample standard deviation of the values (`sqrt((Σx² − (Σx)²/n) / (n − 1))`);
             *     null for fewer than two events.
             */
            std_dev: number | null;
            /** @description Per step, oldest first; steps without events are left out. */
            points: components["schemas"]["MetricPoint"][];
        };
        /** @description Points of one variant. */
        VariantSeries: {
            /** @description The variant. */
            variant: string;
            /** @description Counts per step, oldest first; steps without evaluations are left out. */
            points: components["schemas"]["UsagePoint"][];
        };
        /** @description A subscription (the secret is never part of it). */
        Webhook: {
            /** @description Random id. */
            id: string;
            /** @description The project whose events it receives. */
            project: string;
            /** @description Where events are POSTed: http or https, nothing else. */
            url: string;
            /** @description What it is for. */
            description: string;
            /** @description The categories of events it receives. */
            event_types: components["schemas"]["WebhookEventType"][];
            /** @description Whether events are recorded and delivered for it. */
            enabled: boolean;
            /** @description Who created it. */
            created_by: string;
            /** @description Creation time. */
            created_at: components["schemas"]["Timestamp"];
            /** @description Last change. */
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description One event for one subscription, with the outcome of its last attempt. */
        WebhookDelivery: {
            /**
             * Format: int64
             * @description Increasing id.
             */
            id: number;
            /** @description The subscription. */
            webhook_id: string;
            /** @description The `webhook-id` header: the same for every attempt and redelivery of the event. */
            message_id: string;
            /** @description The subscription's category the event belongs to. */
            category: components["schemas"]["WebhookEventType"];
            /** @description The event's type, e.g. `flag_config.toggle`. */
            event_type: string;
            /** @description Where it stands. */
            status: components["schemas"]["DeliveryStatus"];
            /**
             * Format: int64
             * @description Attempts made so far.
             */
            attempts: number;
            /**
             * Format: int64
             * @description HTTP status of the last answer, if one came.
             */
            response_code: number | null;
            /**
             * Format: int64
             * @description Time the last attempt took, in milliseconds.
             */
            latency_ms: number | null;
            /** @description Why the last attempt failed. */
            last_error: string | null;
            /** @description The start of the last answer's body (at most 1 KiB). */
            response_excerpt: string | null;
            /** @description When the event was recorded. */
            created_at: components["schemas"]["Timestamp"];
            last_attempt_at: null | components["schemas"]["Timestamp"];
            next_attempt_at: null | components["schemas"]["Timestamp"];
            finished_at: null | components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description The delivery this one repeats by hand.
             */
            redelivery_of: number | null;
        };
        /**
         * @description What a subscription can ask for. Each event belongs to one of them.
         * @enum {string}
         */
        WebhookEventType: "flag_changes" | "change_requests" | "scheduled_changes" | "release_plan_decisions" | "break_glass";
        /** @description Body of a subscription's change: absent fields stay as they are. */
        WebhookPatch: {
            /** @description New URL. */
            url?: string | null;
            /** @description New categories. */
            event_types?: components["schemas"]["WebhookEventType"][] | null;
            /** @description New description. */
            description?: string | null;
            /** @description On or off. */
            enabled?: boolean | null;
        };
        /** @description One variant's share of a rollout. */
        Weight: {
            /** @description The variant. */
            variant: string;
            /**
             * Format: int32
             * @description Share out of 100 000 (so 1 is 0.001 %).
             */
            weight: number;
        };
    };
    responses: {
        /** @description Malformed request: bad JSON, unknown field, bad query parameter or header, or text (in the path, the query string or the body) holding the NUL character U+0000, which no text in Vexil may contain. */
        BadRequest: JsonValue;
        /** @description The change would break something (named in `dependents`, when known) or the key is already taken. */
        Conflict: JsonValue;
        /** @description The change would break something (named in `dependents`, when known), or (`approval-required`) the environment requires approval: the detail names the change-request route, `POST /api/v1/projects/{project}/change-requests`. */
        ConflictOrApprovalRequired: JsonValue;
        /** @description The caller's role is too low, or the API token is scoped to another project. */
        Forbidden: JsonValue;
        /** @description The resource (or the project or environment it belongs to) does not exist. */
        NotFound: JsonValue;
        /** @description A server failure (the log has its cause); in the protocol's shape. */
        OfrepInternal: JsonValue;
        /** @description The route does not take this method; in the protocol's shape. */
        OfrepMethodNotAllowed: JsonValue;
        /** @description No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted; in the protocol's shape. */
        OfrepUnauthorized: JsonValue;
        /** @description The database cannot be reached; in the protocol's shape. */
        OfrepUnavailable: JsonValue;
        /** @description The request body is over the size limit. */
        PayloadTooLarge: JsonValue;
        /** @description `If-Match` names an older version; `current_version` is the current one. Read the resource again and reapply the change. */
        PreconditionFailed: JsonValue;
        /** @description The write needs an `If-Match` header. */
        PreconditionRequired: JsonValue;
        /** @description The server cannot serve right now (e.g. the database is unreachable). */
        ServiceUnavailable: JsonValue;
        /** @description Too many failed attempts; wait `Retry-After` seconds. */
        TooManyRequests: JsonValue;
        /** @description No credentials, or credentials that are unknown, expired or revoked. */
        Unauthorized: JsonValue;
        /** @description Well-formed but invalid content; `errors` names each problem by JSON pointer. */
        Unprocessable: JsonValue;
        /** @description The request body is not declared as JSON. */
        UnsupportedMediaType: JsonValue;
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    get_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    get_readiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve, with the database backend in use. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics in the Prometheus text format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4": string;
                };
            };
        };
    };
    get_openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": Record<string, never>;
                };
            };
        };
    };
    list_projects: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The projects. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Project"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    create_project: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewProject"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_project: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    delete_project: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    update_project: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectPatch"];
            };
        };
        responses: {
            /** @description The updated project. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A new login token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    get_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    list_environments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Environment"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_environment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewEnvironment"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_environment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environment. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    delete_environment: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    update_environment: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnvironmentPatch"];
            };
        };
        responses: {
            /** @description The updated environment. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    list_sdk_keys: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: number;
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The SDK keys. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_SdkKey"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_sdk_key: {
        parameters: {
            query?: never;
            header?: {
                /** @description A unique key for this request (a UUID), as a structured-field string (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`; a bare value is taken too): 16 to 255 visible ASCII characters, else 400. Scoped to the person and the route; the answer it replays is kept 24 hours, sealed under a key derived from this one. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewSdkKey"];
            };
        };
        responses: {
            /** @description Created; keep `key`, it cannot be shown again. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    revoke_sdk_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
                /** @description The SDK key id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    list_webhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subscriptions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewWebhook"];
            };
        };
        responses: {
            /** @description Created; keep `secret`, it cannot be shown again. */
            201: {
                headers: {
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The webhook subscription id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subscription. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    delete_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The webhook subscription id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    update_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The webhook subscription id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookPatch"];
            };
        };
        responses: {
            /** @description The changed subscription. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    list_webhook_deliveries: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 500 (50 by default). */
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The webhook subscription id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    redeliver_webhook_delivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The webhook subscription id. */
                id: string;
                /** @description The delivery id (a number). */
                delivery: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new delivery, pending. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    list_audit: {
        parameters: {
            query?: {
                /** @description Only entries of this project. */
                project?: string;
                /** @description Only this kind of resource, e.g. `flag`, `flag_config`, `segment`. */
                resource_type?: string;
                /** @description Only this resource (exact key) or, ending in `/`, the resources under it. */
                resource_key?: string;
                /** @description Only this actor, e.g. `user:ada@example.com` or `token:ci`. */
                actor?: string;
                /** @description Only entries at or after this time (RFC 3339). */
                since?: string;
                /** @description Only entries before this time (RFC 3339). */
                until?: string;
                /** @description Page size. */
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_AuditEntry"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    list_users: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: number;
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The users. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    create_user: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUser"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    delete_user: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The user id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    update_user: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The user id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUser"];
            };
        };
        responses: {
            /** @description The updated user. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    list_tokens: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: number;
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API tokens. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ApiToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    create_token: {
        parameters: {
            query?: never;
            header?: {
                /** @description A unique key for this request (a UUID), as a structured-field string (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`; a bare value is taken too): 16 to 255 visible ASCII characters, else 400. Scoped to the person and the route; the answer it replays is kept 24 hours, sealed under a key derived from this one. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewApiToken"];
            };
        };
        responses: {
            /** @description Created; keep `token`, it cannot be shown again. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    revoke_token: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The API token id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    list_flags: {
        parameters: {
            query?: {
                /** @description Case-insensitive substring of the key, the name, a tag, the owner, a link (URL or title) or a custom property (name or value). */
                q?: string;
                /** @description Only flags with this tag. */
                tag?: string;
                /** @description Only flags with this owner (exact match, case-insensitive). */
                owner?: string;
                /** @description Only temporary or only permanent flags. */
                lifecycle?: components["schemas"]["Lifecycle"];
                /** @description With `enabled`, the environment whose on/off state filters (one without the other is a 400; an environment the project does not have is a 404). */
                environment?: string;
                /** @description With `environment`, only flags on (true) or off (false) there. */
                enabled?: boolean;
                /** @description Only stale (true) or only fresh (false) flags, as each flag's `stale` says. */
                stale?: boolean;
                /** @description `key` (default), or `last_evaluated`: least recently evaluated first (never evaluated before all), then by key, the order of a clean-up. Cursors belong to their order. */
                sort?: components["schemas"]["FlagSort"];
                /** @description List archived flags instead of active ones. */
                archived?: boolean;
                /** @description Page size. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, issued for the same `sort`: a cursor of the other order, or one this server did not issue, is a 400. */
                cursor?: string;
                /** @description Comma-separated environment keys (at most 100): each flag's `environments` holds the states in these only, instead of every environment of the project. Empty: no states. An environment the project does not have is a 404. */
                environments?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of flags. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewFlag"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The flag. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    delete_flag: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    update_flag: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlagPatch"];
            };
        };
        responses: {
            /** @description The updated flag. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    archive_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archived flag. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    restore_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The restored flag. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_flag_config: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The configuration; its `version` is the ETag. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagConfigRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    replace_flag_config: {
        parameters: {
            query?: {
                /** @description `rebase` (default): stored rollouts keep their layout where the weights allow it. `exact`: every `weights` list is stored as sent. */
                layout?: components["schemas"]["LayoutMode"];
                /** @description Store nothing; answer a `ConfigPreview` instead. The configuration itself and its variants are checked (422 as for a write, 409 when archived, 412 on a stale If-Match); references to segments and other flags and the prerequisite graph are checked only when it is written. */
                dry_run?: boolean;
            };
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlagConfig"];
            };
        };
        responses: {
            /** @description The new configuration; with `dry_run=true`, a preview of it (no ETag). */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigOrPreview"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    patch_flag_config: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version the instructions were written against; absent applies them to the current one. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Patch"];
            };
        };
        responses: {
            /** @description The configuration after the patch (unchanged if it changed nothing). */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagConfigRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    toggle_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ToggleRequest"];
            };
        };
        responses: {
            /** @description The configuration after the toggle. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagConfigRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    restore_flag_config: {
        parameters: {
            query?: never;
            header?: {
                /** @description The current version the caller saw; absent restores over whatever is current. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RestoreRequest"];
            };
        };
        responses: {
            /** @description The configuration after the restore. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagConfigRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    list_segments: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: number;
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segments, each with its member keys counted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_SegmentSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_segment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentBody"] & Record<string, never>;
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_segment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The segment key. */
                segment: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segment. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    replace_segment: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The segment key. */
                segment: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentBody"];
            };
        };
        responses: {
            /** @description The new segment. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    delete_segment: {
        parameters: {
            query?: never;
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The segment key. */
                segment: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            428: components["responses"]["PreconditionRequired"];
        };
    };
    list_change_requests: {
        parameters: {
            query?: {
                /** @description Only requests in this state. */
                state?: components["schemas"]["ChangeRequestState"];
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The requests. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewChangeRequest"];
            };
        };
        responses: {
            /** @description Created, `open`. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The change request id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequestWithDiff"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    comment_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The change request id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CommentRequest"];
            };
        };
        responses: {
            /** @description The request with the new comment. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    approve_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The change request id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request after the approval. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    reject_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The change request id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RejectRequest"];
            };
        };
        responses: {
            /** @description The rejected request. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    cancel_change_request: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The change request id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled request. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    list_scheduled_changes: {
        parameters: {
            query?: {
                /** @description Only changes in this state. */
                state?: components["schemas"]["ScheduledState"];
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scheduled changes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ScheduledChange"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_scheduled_change: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewScheduledChange"];
            };
        };
        responses: {
            /** @description Scheduled, `pending`. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    /** @description The path of the created resource. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledChange"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_scheduled_change: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The scheduled change id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scheduled change. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledChange"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    update_scheduled_change: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version the edit is based on; absent edits whatever is current. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The scheduled change id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduledChangePatch"];
            };
        };
        responses: {
            /** @description The edited change. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledChange"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    cancel_scheduled_change: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The scheduled change id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled change. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledChange"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    get_flag_usage: {
        parameters: {
            query: {
                /** @description The environment key. */
                environment: string;
                /** @description How far back to look, in hours (at most 90 days); outside 1 to 2160 it is a 400. */
                hours?: number;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The usage series. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageSeries"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    get_code_references: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project's code references. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectCodeReferences"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    upload_code_references: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CodeRefsUpload"];
            };
        };
        responses: {
            /** @description The stored scan. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodeRefsScan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_flag_code_references: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The flag's code references. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagCodeReferences"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    get_release_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    create_release_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanSpec"];
            };
        };
        responses: {
            /** @description Created, `draft`. */
            201: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    start_release_plan: {
        parameters: {
            query?: never;
            header?: {
                /** @description The plan's version (its ETag); optional. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: a comment for the audit entry. An empty body is taken. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description Started. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            /** @description Where approval is required: still a draft, with `change_request_id`, the change request whose approval starts it. */
            202: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    pause_release_plan: {
        parameters: {
            query?: never;
            header?: {
                /** @description The plan's version (its ETag); optional. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: a comment for the audit entry. An empty body is taken. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description Paused. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    resume_release_plan: {
        parameters: {
            query?: never;
            header?: {
                /** @description The plan's version (its ETag); optional. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: a comment for the audit entry. An empty body is taken. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description Resumed. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    advance_release_plan: {
        parameters: {
            query?: never;
            header?: {
                /** @description The plan's version (its ETag); optional. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: a comment for the audit entry. An empty body is taken. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description Advanced. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    rollback_release_plan: {
        parameters: {
            query?: never;
            header?: {
                /** @description The plan's version (its ETag); optional. */
                "If-Match"?: string;
            };
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: a comment for the audit entry. An empty body is taken. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description Rolled back. */
            200: {
                headers: {
                    /** @description The resource version, as a quoted string (`"7"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_release_plan_verdict: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verdict. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlanVerdict"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    check_release_plan_gate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        /** @description Optional: Flagger's webhook payload. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanGateRequest"];
            };
        };
        responses: {
            /** @description Healthy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlanVerdict"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Not healthy (same body). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlanVerdict"];
                };
            };
        };
    };
    evaluate_context: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluateRequest"];
            };
        };
        responses: {
            /** @description The results, with the snapshot version they were computed from. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluateResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    toggle_flags: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkToggleRequest"];
            };
        };
        responses: {
            /** @description What was changed and what already was in that state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkToggleResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ConflictOrApprovalRequired"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    copy_flag_config: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CopyRequest"];
            };
        };
        responses: {
            /** @description The target's configuration, written or already the same. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyOutcome"];
                };
            };
            /** @description The target requires approval; a change request holds the copy. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyOutcome"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    clone_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CloneRequest"];
            };
        };
        responses: {
            /** @description The new flag and, per environment, what the copy did. */
            201: {
                headers: {
                    /** @description The new flag's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloneResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_flag_usage_in: {
        parameters: {
            query?: {
                /** @description How far back to look, in hours (at most 90 days); outside 1 to 2160 it is a 400. */
                hours?: number;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The usage series. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageSeries"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    get_flag_metrics: {
        parameters: {
            query?: {
                /** @description How far back to look, in hours; outside 1 to 336 it is a 400. */
                hours?: number;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
                /** @description The environment key. */
                env: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The read-out. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricReadout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    get_flag_applications: {
        parameters: {
            query?: {
                /** @description Only this environment (all of the project's when left out). */
                environment?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: string;
                /** @description The flag key. */
                flag: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The applications. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applications: components["schemas"]["ApplicationSeen"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    get_setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The set-up state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SetupState"];
                };
            };
        };
    };
    complete_setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetupRequest"];
            };
        };
        responses: {
            /** @description Set up and logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    get_auth_config: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The login options. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthConfig"];
                };
            };
        };
    };
    start_sso_login: {
        parameters: {
            query?: {
                /** @description A path on this site to return to after logging in (anything else means `/`). */
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the identity provider (or back to the login page with `sso_error`). */
            303: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
        };
    };
    finish_sso_login: {
        parameters: {
            query?: {
                code?: string;
                state?: string;
                /** @description The provider's error code, when it refused. */
                error?: string;
                error_description?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the dashboard, with a hand-off code or an `sso_error`. */
            303: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
        };
    };
    create_sso_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SessionRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    create_stream_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StreamToken"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    get_admin_stream: {
        parameters: {
            query: {
                /** @description A token from `POST /api/v1/auth/stream-token`. */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ServerSentEvent"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
        };
    };
    get_config: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETags of copies the caller already has (a comma-separated list; weak forms `W/"..."` and `*` match too); when one is current the answer is a 304 without a body. */
                "If-None-Match"?: string;
                /** @description With `gzip` (or `*`) among the codings, and not refused with `q=0`, the body is gzipped and `Content-Encoding: gzip` says so. */
                "Accept-Encoding"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The snapshot. */
            200: {
                headers: {
                    /** @description Always `no-cache`; caches must revalidate (`If-None-Match`). */
                    "Cache-Control"?: string;
                    /** @description `gzip`, present only when the request accepted gzip. */
                    "Content-Encoding"?: string;
                    /** @description The history and the snapshot (environment) version, as a quoted string (`"5f0c2a9e13b4-42"`): the same as the stream's event ids. */
                    ETag?: string;
                    /** @description Always `accept-encoding`. */
                    Vary?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"];
                };
            };
            /** @description `If-None-Match` names the current history and version: the copy the SDK has is current. No body. */
            304: {
                headers: {
                    /** @description Always `no-cache`; caches must revalidate (`If-None-Match`). */
                    "Cache-Control"?: string;
                    /** @description The history and the snapshot (environment) version, as a quoted string (`"5f0c2a9e13b4-42"`): the same as the stream's event ids. */
                    ETag?: string;
                    /** @description Always `accept-encoding`. */
                    Vary?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    post_events: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EventBatch"];
            };
        };
        responses: {
            /** @description Recorded. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventsAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
        };
    };
    get_stream: {
        parameters: {
            query?: never;
            header?: {
                /** @description The `id` of the last event received, to resume after a disconnect. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    /** @description `resumed` when the stream continues from `Last-Event-ID` (no snapshot follows), `snapshot` when it starts with a snapshot. */
                    "X-Vexil-Stream-Start"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ServerSentEvent"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    evaluate_flags: {
        parameters: {
            query?: {
                /** @description Part of the protocol, sent by providers when a change notification from an event stream triggered the request: Vexil's notifications set it to the environment version. A replica that has not applied that version yet looks for it in the database and waits for it (up to 2 s) before answering, so that the provider does not get the values from before the change it was told about. */
                flagConfigEtag?: string;
                /** @description Part of the protocol, like `flagConfigEtag`: the time of the change that triggered the request, as Unix seconds or an RFC 3339 time; accepted and ignored, whatever it holds. */
                flagConfigLastModified?: string;
            };
            header?: {
                /** @description ETags of copies the caller already has (a comma-separated list; weak forms `W/"..."` and `*` match too); when one is current the answer is a 304 without a body. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OfrepEvaluationRequest"];
            };
        };
        responses: {
            /** @description Every visible flag's value or failure. */
            200: {
                headers: {
                    /** @description Always `no-cache`; caches must revalidate (`If-None-Match`). */
                    "Cache-Control"?: string;
                    /** @description An opaque quoted string that changes with the history, the environment version, the kind of SDK key, the context and the period of the stream URL in the answer (`"5f0c2a9e13b4-42-s0123456789abcdef-493827"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepBulkEvaluation"];
                };
            };
            /** @description `If-None-Match` names the current ETag: the results the provider has are current. No body. */
            304: {
                headers: {
                    /** @description An opaque quoted string that changes with the history, the environment version, the kind of SDK key, the context and the period of the stream URL in the answer (`"5f0c2a9e13b4-42-s0123456789abcdef-493827"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request could not be used: `PARSE_ERROR` (not JSON) or `INVALID_CONTEXT` (no context, a context that is not an object, a `targetingKey` that is not a string, too many attributes, objects nested too deep, or a body over 64 KiB). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepBulkFailure"];
                };
            };
            401: components["responses"]["OfrepUnauthorized"];
            405: components["responses"]["OfrepMethodNotAllowed"];
            500: components["responses"]["OfrepInternal"];
            503: components["responses"]["OfrepUnavailable"];
        };
    };
    evaluate_flag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flag key. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OfrepEvaluationRequest"];
            };
        };
        responses: {
            /** @description The flag's value. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepEvaluationSuccess"];
                };
            };
            /** @description The request could not be used (`PARSE_ERROR`: not JSON; `INVALID_CONTEXT`: no context, a context that is not an object, a `targetingKey` that is not a string, too many attributes, objects nested too deep, or a body over 64 KiB) or the flag could not be evaluated for this context (`TARGETING_KEY_MISSING`: it splits traffic by the targeting key and the context has none; `PARSE_ERROR`: the stored flag cannot be compiled; `GENERAL`: anything else, e.g. a `json` flag serving an array, which the protocol cannot carry). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepEvaluationFailure"];
                };
            };
            401: components["responses"]["OfrepUnauthorized"];
            /** @description No flag with this key is visible to the SDK key. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepFlagNotFound"];
                };
            };
            405: components["responses"]["OfrepMethodNotAllowed"];
            500: components["responses"]["OfrepInternal"];
            503: components["responses"]["OfrepUnavailable"];
        };
    };
    get_ofrep_events: {
        parameters: {
            query: {
                /** @description The token from the `eventStreams` entry. */
                token: string;
                /** @description The version of the bulk answer that gave the URL (part of the URL). */
                v?: string;
                /** @description The `id` of the last event received, as EventSource polyfills send it; the `Last-Event-ID` header wins when both are present. */
                lastEventId?: string;
            };
            header?: {
                /** @description The `id` of the last event received, sent by EventSource when it reconnects. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ServerSentEvent"];
                };
            };
            401: components["responses"]["OfrepUnauthorized"];
            405: components["responses"]["OfrepMethodNotAllowed"];
            500: components["responses"]["OfrepInternal"];
            503: components["responses"]["OfrepUnavailable"];
        };
    };
}
