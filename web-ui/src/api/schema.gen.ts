// Generated from openapi/openapi.yaml by `npm run api-types` (web-ui/scripts/api-types.mjs).
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
         * @description Serves this OpenAPI document as written.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
    "/api/v1/projects/{project}/environments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
    "/api/v1/projects/{project}/environments/{env}/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
    "/api/v1/projects/{project}/environments/{env}/sdk-keys": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
                /** @description The SDK key id. */
                id: components["parameters"]["SdkKeyId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
                /** @description The delivery id (a number). */
                delivery: components["parameters"]["DeliveryId"];
            };
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
    "/api/v1/projects/{project}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
            cookie?: never;
        };
        /**
         * List flags
         * @description Lists a project's active (or, with `archived=true`, archived) flags by key, with their state in every environment, one page at a time.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
    "/api/v1/projects/{project}/environments/{env}/flags/toggle": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
    "/api/v1/projects/{project}/change-requests": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The scheduled change id. */
                id: components["parameters"]["ScheduledChangeId"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The scheduled change id. */
                id: components["parameters"]["ScheduledChangeId"];
            };
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
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        /**
         * Get the release plan of a flag in an environment
         * @description The unfinished plan (draft, running or paused), or else the latest finished one; 404 when the flag never had one in the environment. `analysis` is the runner's last look: exposures per arm since the start and on this step, the step's sample-ratio check, and per guardrail each arm's estimate and always-valid bounds with the verdict (docs/release-safety.md).
         */
        get: operations["get_release_plan"];
        put?: never;
        /**
         * Create a release plan
         * @description A draft plan that will step `treatment` up against `control` in the default serve (or the rule `rule`), 1 → 5 → 25 → 50 → 100 % unless `steps` says otherwise, and roll back by itself when a guardrail is worse. One unfinished plan per flag and environment (409 otherwise). Audited as `release_plan.create`.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a release plan
         * @description A draft plan starts on its first step: the place serves the treatment to that share (a semantic patch through the configuration write). In an environment that requires approval it answers 202 with the plan still a draft and `change_request_id`: a change request holding the first step, whose approval starts the plan and covers its later steps, resume and rollback (written by `release-plan:<id>`); 409 while that request is open. Audited as `release_plan.start` (or `release_plan.request_start`). 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a release plan
         * @description A running plan stops being looked at; what is served stays. Audited as `release_plan.pause`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused release plan
         * @description Writes the current step\'s split again on top of the configuration as it is now (other changes made by hand stay) and starts the step again. The current step starts again: its time, sample and split check count from now. Audited as `release_plan.resume`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Advance a release plan by hand
         * @description A running or paused plan goes to its next step (or completes from the last one) without waiting for time or sample. Audited as `release_plan.advance` (or `release_plan.complete`). 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a release plan back
         * @description A running or paused plan serves the control to the whole place and ends as `rolled_back`; a draft is discarded (ends as `rolled_back` without any configuration change). Like the kill switch, taken also in an environment that requires approval. Audited as `release_plan.rollback`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        /**
         * Get a release plan's verdict (for a deployment tool's web metric)
         * @description Always 200 when the plan exists; `healthy` is true while the plan is a draft, running or completed and no guardrail was worse at the runner's last look. A web metric reads it with the JSON path `$.healthy` (deploy/examples/argo-analysis-template.yaml is a working analysis template).
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a release plan as a webhook gate
         * @description The verdict of `GET …/release-plan/verdict` as a status: 200 when healthy, 503 when not (rolled back, paused, or a guardrail worse), with the same body. The caller authenticates with `Authorization: Bearer`, or — a webhook that cannot send headers, as Flagger's — with an API token (`vx_api_…`, at least viewer) in the body's `metadata.token` (Flagger's webhook `metadata`); the rest of the payload is ignored, login tokens are not taken there, and the header wins when sent (deploy/examples/flagger-canary.yaml).
         */
        post: operations["check_release_plan_gate"];
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
    "/api/v1/projects/{project}/flags/{flag}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
            cookie?: never;
        };
        /**
         * Get a flag's usage in an environment (older form)
         * @description Kept for existing clients; `GET /projects/{project}/flags/{flag}/environments/{env}/usage` is the same with the environment in the path. How often each variant of the flag was served in one environment over the last `hours`, as the SDKs reported it (`POST /sdk/v1/events`): in steps of a minute for up to 6 hours, of an hour beyond. Steps without evaluations are left out.
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
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
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
    "/api/v1/projects/{project}/segments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
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
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The segment key. */
                segment: components["parameters"]["Segment"];
            };
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
            path: {
                /** @description The user id. */
                id: components["parameters"]["UserId"];
            };
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
            path: {
                /** @description The API token id. */
                id: components["parameters"]["TokenId"];
            };
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
         * @description Takes a batch of what an SDK observed: evaluation counts per flag and variant (the source of flag usage and of `last_evaluated_at`) and metric events, optionally tied to the variants the context was served. Counts and mappings that name a flag or variant the environment does not have (an SDK with an older snapshot) are ignored and counted in `ignored`, not refused. Any invalid entry refuses the whole batch with 422; nothing is recorded then.
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
    "/ofrep/v1/evaluate/flags/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The flag key. */
                key: string;
            };
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
        /** @description An RFC 9457 problem document. */
        Problem: {
            /**
             * @description A stable identifier clients can switch on.
             * @enum {string}
             */
            type: "urn:vexil:problem:bad-request" | "urn:vexil:problem:validation" | "urn:vexil:problem:unauthorized" | "urn:vexil:problem:forbidden" | "urn:vexil:problem:not-found" | "urn:vexil:problem:method-not-allowed" | "urn:vexil:problem:conflict" | "urn:vexil:problem:approval-required" | "urn:vexil:problem:version-mismatch" | "urn:vexil:problem:if-match-required" | "urn:vexil:problem:payload-too-large" | "urn:vexil:problem:unsupported-media-type" | "urn:vexil:problem:rate-limited" | "urn:vexil:problem:unavailable" | "urn:vexil:problem:internal";
            /** @description The HTTP reason phrase of `status`. */
            title: string;
            status: number;
            /** @description What went wrong, for people. */
            detail: string;
            /** @description Field-level problems (400 and 422); absent when there are none. */
            errors?: components["schemas"]["FieldProblem"][];
            /** @description What depends on the thing a 409 refused to break; absent when none are known. */
            dependents?: string[];
            /** @description With 412, the resource's current version. */
            current_version?: number;
        };
        /** @description One thing wrong with a request document. */
        FieldProblem: {
            /** @description JSON pointer (RFC 6901) to the offending value in the request body. */
            pointer: string;
            message: string;
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "degraded";
            /**
             * @description The database backend in use.
             * @enum {string}
             */
            database: "postgres" | "sqlite";
            /** @description Environments served with flags or segments that cannot be compiled. */
            degraded: {
                project: string;
                environment: string;
                version: number;
                /** @description Each object not served: `object` (`{type: flag|segment, key}`), the error `code` its evaluations return, and the `cause`. */
                failures: {
                    object: {
                        /** @enum {string} */
                        type: "flag" | "segment";
                        key: string;
                    };
                    code: string;
                    cause: Record<string, never>;
                }[];
                problems: components["schemas"]["FieldProblem"][];
            }[];
        };
        /**
         * @description What a user or token may do; each role can do everything the roles before it can.
         * @enum {string}
         */
        Role: "viewer" | "editor" | "admin" | "owner";
        LoginRequest: {
            /** @description Matched case-insensitively, surrounding spaces ignored. */
            email: string;
            password: string;
        };
        LoginResponse: {
            /** @description The login token, to send as `Authorization: Bearer <token>`. */
            token: string;
            /** Format: date-time */
            expires_at: string;
            user: components["schemas"]["User"];
        };
        /** @description The caller, tagged by `kind`. */
        Me: {
            /** @constant */
            kind: "user";
            user: components["schemas"]["User"];
        } | {
            /** @constant */
            kind: "token";
            token: components["schemas"]["ApiToken"];
        };
        Project: {
            key: string;
            name: string;
            description: string;
            /** @description Bumped on each change (the ETag). */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        NewProject: {
            /** @description Lower-case slug, unique. */
            key: string;
            /** @description Display name; defaults to the key. */
            name?: string | null;
            /** @default  */
            description: string;
        };
        ProjectPatch: {
            name?: string | null;
            description?: string | null;
        };
        ProjectPage: {
            items: components["schemas"]["Project"][];
            next_cursor?: string;
        };
        Environment: {
            key: string;
            name: string;
            /** @description Display order, from 0. */
            position: number;
            /** @description Configuration writes here go through change requests: direct `PUT`, `PATCH`, toggle (except a break-glass off) and restore answer 409 `approval-required`. */
            requires_approval: boolean;
            /** @description How many editors other than the author must approve a change request here. */
            required_approvals: number;
            /** @description Bumped on each change of the fields above (the ETag). */
            version: number;
            /** @description Bumped on each change to what the environment serves; the SDK snapshot version. */
            snapshot_version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        NewEnvironment: {
            /** @description Lower-case slug, unique in the project. */
            key: string;
            /** @description Display name; defaults to the key. */
            name?: string | null;
            /** @default false */
            requires_approval: boolean;
            /** @description Approvals a change request needs here (1 to 10; default 1). */
            required_approvals?: number | null;
        };
        EnvironmentPatch: {
            name?: string | null;
            /** @description New position, from 0; the other environments shift to make room. */
            position?: number | null;
            requires_approval?: boolean | null;
            /** @description Approvals a change request needs here (1 to 10). */
            required_approvals?: number | null;
        };
        EnvironmentPage: {
            items: components["schemas"]["Environment"][];
            next_cursor?: string;
        };
        /** @description A flag's definition plus its state in every environment. */
        FlagRecord: {
            key: string;
            name: string;
            description: string;
            kind: components["schemas"]["FlagKind"];
            variants: components["schemas"]["Variant"][];
            tags: string[];
            lifecycle: components["schemas"]["Lifecycle"];
            salt: string;
            client_visible: boolean;
            /** @description Bumped on each change of the definition (the ETag). */
            version: number;
            archived: boolean;
            /**
             * Format: date-time
             * @description When it was archived; absent when it is not.
             */
            archived_at?: string;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: date-time
             * @description The last change of the flag: of its definition or of its configuration in any environment (a rule saved, a toggle).
             */
            updated_at: string;
            /** @description On/off and configuration version per environment key. */
            environments: {
                [key: string]: components["schemas"]["FlagState"];
            };
            /**
             * Format: date-time
             * @description The start of the last minute in which an SDK reported evaluating the flag (`POST /sdk/v1/events`), in any environment of the project; null if none ever did.
             */
            last_evaluated_at: string | null;
            /** @description Whether the flag has gone unevaluated for longer than the server's stale period (`VEXIL_STALE_AFTER_DAYS`, 7 days by default), counted from its creation when it was never evaluated. Listing, reading and updating a flag compute it; the answers of creating, archiving and restoring always say false. */
            stale: boolean;
            /** @description A user's email or a team name; empty for none. */
            owner: string;
            links: components["schemas"]["FlagLink"][];
            /** @description Free-form string properties by name. */
            properties: {
                [key: string]: string;
            };
        };
        /** @description A link from a flag to its issue, documentation or anything else. */
        FlagLink: {
            /**
             * @default other
             * @enum {string}
             */
            kind: "issue" | "docs" | "other";
            /** @description An absolute http or https URL (at most 2 000 bytes) without a user name or password, else 422. */
            url: string;
            /** @description What to show instead of the URL (at most 200 characters). */
            title?: string;
        };
        FlagState: {
            enabled: boolean;
            /** @description The configuration's version in that environment. */
            version: number;
        };
        NewFlag: {
            /** @description Lower-case slug, unique in the project; cannot change later. */
            key: string;
            /** @description Display name; defaults to the key. */
            name?: string | null;
            /** @default  */
            description: string;
            kind: components["schemas"]["FlagKind"];
            /** @description Variants; a boolean flag without them gets `on` (true) and `off` (false). */
            variants?: components["schemas"]["Variant"][] | null;
            /** @default [] */
            tags: string[];
            lifecycle?: components["schemas"]["Lifecycle"];
            /** @default false */
            client_visible: boolean;
            /** @description A user's email or a team name (at most 200 characters). */
            owner?: string;
            /** @description At most 20. */
            links?: components["schemas"]["FlagLink"][];
            /** @description Free-form string properties: at most 50, names of 1 to 64 characters, values of at most 1 000. */
            properties?: {
                [key: string]: string;
            };
        };
        FlagPatch: {
            name?: string | null;
            description?: string | null;
            /** @description All the variants, in order. */
            variants?: components["schemas"]["Variant"][] | null;
            tags?: string[] | null;
            lifecycle?: components["schemas"]["Lifecycle"] | null;
            client_visible?: boolean | null;
            /** @description A user's email or a team name (at most 200 characters). */
            owner?: string | null;
            /** @description At most 20. */
            links?: components["schemas"]["FlagLink"][] | null;
            /** @description Free-form string properties: at most 50, names of 1 to 64 characters, values of at most 1 000. */
            properties?: {
                [key: string]: string;
            } | null;
        };
        FlagPage: {
            items: components["schemas"]["FlagRecord"][];
            /** @description Pass as `cursor` for the next page; absent on the last page. */
            next_cursor?: string;
        };
        /** @description A flag's configuration in one environment. */
        FlagConfigRecord: {
            /** @description The flag key. */
            flag: string;
            /** @description The environment key. */
            environment: string;
            enabled: boolean;
            off_variant: string;
            targets: components["schemas"]["Target"][];
            rules: components["schemas"]["Rule"][];
            default: components["schemas"]["Serve"];
            prerequisites: components["schemas"]["Prerequisite"][];
            /** @description Bumped on every change of this configuration (the ETag). */
            version: number;
            /** Format: date-time */
            updated_at: string;
        };
        BulkToggleRequest: {
            /** @description Which flags; at least one of `tag` and `key_prefix` (422 otherwise). */
            filter: {
                tag?: string | null;
                /** @description Keys starting with this (taken literally, `_` and `%` included). */
                key_prefix?: string | null;
            };
            enabled: boolean;
            /** @description Why, stored on each audit entry (at most 1 000 characters). */
            comment?: string | null;
            /**
             * @description Turn the flags off in an environment that requires approval, without one: needs `enabled: false` and a `comment` (422 otherwise).
             * @default false
             */
            break_glass: boolean;
        };
        BulkToggleResult: {
            environment: string;
            enabled: boolean;
            /** @description Keys of the flags written, one audit entry each. */
            changed: string[];
            /** @description Keys of the flags that matched and already were in that state. */
            unchanged: string[];
        };
        CopyRequest: {
            /** @description The source environment's key. */
            from: string;
            /** @description The target environment's key (not `from`, 422). */
            to: string;
            /** @description Why, stored as `copied from <from>: <comment>`. */
            comment?: string | null;
        };
        /** @description `applied` and `unchanged` carry the target's configuration; `change_requested` the change request opened in a target that requires approval. */
        CopyOutcome: {
            /** @enum {string} */
            outcome: "applied" | "change_requested" | "unchanged";
            config?: components["schemas"]["FlagConfigRecord"];
            change_request?: components["schemas"]["ChangeRequest"];
        };
        CloneRequest: {
            /** @description The new flag's key. */
            key: string;
            /** @description Its display name (defaults to the key). */
            name?: string | null;
        };
        CloneResult: {
            flag: components["schemas"]["FlagRecord"];
            /** @description Per environment key, what copying the source's configuration did. */
            environments: {
                [key: string]: components["schemas"]["CopyOutcome"];
            };
        };
        MetricReadout: {
            flag: string;
            environment: string;
            /** @description Width of each point, in seconds. */
            step_seconds: number;
            events: {
                event: string;
                variants: {
                    variant: string;
                    count: number;
                    mean: number;
                    /** @description Sample standard deviation; null for fewer than two events. */
                    std_dev: number | null;
                    points: {
                        /** Format: date-time */
                        at: string;
                        count: number;
                        mean: number;
                    }[];
                }[];
            }[];
        };
        ToggleRequest: {
            enabled: boolean;
            /** @description Why the flag is switched, for the audit log (at most 1 000 characters; surrounding white space is trimmed and an empty comment is none). */
            comment?: string | null;
            /**
             * @description Turn the flag off in an environment that requires approval, without one: needs `enabled: false` and a `comment` (422 otherwise). Audited as `flag.break_glass_off`. Allowed in any environment.
             * @default false
             */
            break_glass: boolean;
        };
        RestoreRequest: {
            /** @description The earlier configuration version to put back. */
            version: number;
            /** @description Why, for the audit log (at most 1 000 characters). */
            comment?: string | null;
        };
        SegmentRecord: {
            key: string;
            name: string;
            description: string;
            included: string[];
            excluded: string[];
            rules: components["schemas"]["SegmentRule"][];
            /** @description Bumped on every change (the ETag). */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description A segment in the list: its member keys are counted, not listed (the segment's own route returns them). */
        SegmentSummary: {
            key: string;
            name: string;
            description: string;
            /** @description How many context keys are always in. */
            included_count: number;
            /** @description How many context keys are never in. */
            excluded_count: number;
            rules: components["schemas"]["SegmentRule"][];
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description A segment's definition, for creation (where `key` is required) or replacement. */
        SegmentBody: {
            /** @description Lower-case slug; required on creation, optional (and unchangeable) on replacement. */
            key?: string | null;
            /** @default  */
            name: string;
            /** @default  */
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
        SegmentPage: {
            items: components["schemas"]["SegmentSummary"][];
            next_cursor?: string;
        };
        AuditEntry: {
            /** @description Increasing id. */
            id: number;
            /** Format: date-time */
            at: string;
            /** @description `user:<email>`, `token:<name>` or `system`. */
            actor: string;
            /** @description What happened, e.g. `flag.create`. */
            action: string;
            resource_type: string;
            /** @description The resource, e.g. `default/new-checkout/production`. */
            resource_key: string;
            project: string | null;
            environment: string | null;
            /** @description The document before the change (null when there was none). */
            before: JsonValue;
            /** @description The document after the change (null when there is none). */
            after: JsonValue;
            /** @description The resource's display name at the time of the change (an SDK key's or API token's name, a user's name or else email, a flag's name...), read from the entry's own documents so that it stays right after the resource is renamed or deleted; absent for resources without a name of their own (flag configurations). */
            resource_name?: string | null;
            /** @description What the author said about the change (the toggle's `comment`). */
            comment?: string | null;
        };
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            /** @description Pass as `cursor` for the next page; absent on the last page. */
            next_cursor?: string;
        };
        User: {
            id: string;
            email: string;
            name: string;
            role: components["schemas"]["Role"];
            /** @description Disabled users cannot log in. */
            disabled: boolean;
            /** @description The ETag. */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description One event of a `text/event-stream` body (the fields of the WHATWG event-stream format); `data` holds JSON as text. Comment lines (keep-alives) carry no event. */
        ServerSentEvent: {
            event?: string;
            data?: string;
            id?: string;
            retry?: number;
        };
        /** @description `*`, or one version as an ETag (`"7"`, `W/"7"` or `7`). */
        IfMatchValue: string;
        CreateUser: {
            /** @description An address with an `@` (at most 254 characters); trimmed and lower-cased. */
            email: string;
            /**
             * @description Display name; defaults to the email.
             * @default
             */
            name: string;
            /** @description 10 to 256 characters. */
            password: string;
            role: components["schemas"]["Role"];
        };
        UpdateUser: {
            /** @description Read-only; if present, must be this user's. */
            id?: string;
            /** @description Read-only; if present, must be this user's. */
            email?: string;
            /** @description Read-only, ignored. */
            version?: number;
            /** @description Read-only, ignored. */
            created_at?: string;
            /** @description Read-only, ignored. */
            updated_at?: string;
            name?: string | null;
            role?: components["schemas"]["Role"] | null;
            /** @description 10 to 256 characters. */
            password?: string | null;
            /** @description Required when changing one's own password. */
            current_password?: string | null;
            disabled?: boolean | null;
        };
        UserPage: {
            items: components["schemas"]["User"][];
            next_cursor?: string;
        };
        /** @description An API token's metadata (the secret is never stored). */
        ApiToken: {
            id: string;
            name: string;
            /** @description The first characters of the secret, to recognise it. */
            prefix: string;
            /** @description The role the token was given. */
            role: components["schemas"]["Role"];
            /** @description What the token may do now: its role, lowered to the current role of the user it acts for (computed on every request, so a demotion takes effect at once). */
            effective_role: components["schemas"]["Role"];
            /** @description The only project it may touch, if scoped. */
            project: string | null;
            /** @description Who created it, as the audit log names them. */
            created_by: string;
            /** @description The user the token acts for: who created it, or who created the token that created it. Deleting or disabling that user revokes the token. Null for tokens made before this was recorded whose creator could not be worked out; those keep their own role. */
            created_by_user_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /**
             * Format: date-time
             * @description Last use (updated at most once a minute).
             */
            last_used_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        /** @description A new API token; `token` is the secret, shown only here. */
        CreatedToken: {
            /** @description The secret, `vx_api_...`. */
            token: string;
            id: string;
            name: string;
            prefix: string;
            role: components["schemas"]["Role"];
            effective_role: components["schemas"]["Role"];
            project: string | null;
            created_by: string;
            created_by_user_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        NewApiToken: {
            /** @description What it is for, 1 to 256 characters (not only spaces). */
            name: string;
            role: components["schemas"]["Role"];
            /** @description Restrict it to this project. */
            project?: string | null;
            /**
             * Format: date-time
             * @description Expiry time (RFC 3339), in the future.
             */
            expires_at?: string | null;
        };
        ApiTokenPage: {
            items: components["schemas"]["ApiToken"][];
            next_cursor?: string;
        };
        /**
         * @description `server`: full configuration and stream, for back ends; `client`: client-visible flags only, for browsers and apps.
         * @enum {string}
         */
        SdkKeyKind: "server" | "client";
        /** @description An SDK key's metadata (the secret is never stored). */
        SdkKey: {
            id: string;
            name: string;
            kind: components["schemas"]["SdkKeyKind"];
            /** @description The first characters of the secret, to recognise it. */
            prefix: string;
            project: string;
            environment: string;
            created_by: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        /** @description A new SDK key; `key` is the secret, shown only here. */
        CreatedKey: {
            /** @description The secret, `vx_srv_...` or `vx_cli_...`. */
            key: string;
            id: string;
            name: string;
            kind: components["schemas"]["SdkKeyKind"];
            prefix: string;
            project: string;
            environment: string;
            created_by: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        NewSdkKey: {
            kind: components["schemas"]["SdkKeyKind"];
            /** @description What it is for; defaults to `server key` or `client key`. */
            name?: string | null;
            /**
             * Format: date-time
             * @description Expiry time (RFC 3339), in the future; e.g. for the old key during a rotation.
             */
            expires_at?: string | null;
        };
        SdkKeyPage: {
            items: components["schemas"]["SdkKey"][];
            next_cursor?: string;
        };
        /**
         * @description What a subscription receives. `flag_changes`: every write to a flag, a flag's configuration or a segment; `change_requests`, `scheduled_changes`, `release_plan_decisions` and `break_glass`: those features' events, as they emit them.
         * @enum {string}
         */
        WebhookEventType: "flag_changes" | "change_requests" | "scheduled_changes" | "release_plan_decisions" | "break_glass";
        /** @description A webhook subscription (its secret is never shown after creation). */
        Webhook: {
            id: string;
            project: string;
            url: string;
            description: string;
            event_types: components["schemas"]["WebhookEventType"][];
            enabled: boolean;
            created_by: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description A new subscription; `secret` signs its deliveries and is shown only here. */
        CreatedWebhook: {
            /** @description The signing secret, `whsec_` and 32 random bytes in base64 (Standard Webhooks). */
            secret: string;
            id: string;
            project: string;
            url: string;
            description: string;
            event_types: components["schemas"]["WebhookEventType"][];
            enabled: boolean;
            created_by: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        NewWebhook: {
            /** @description Where events are POSTed; http or https, with a host, no fragment, at most 2048 characters. */
            url: string;
            event_types: components["schemas"]["WebhookEventType"][];
            description?: string;
            /** @description On by default. */
            enabled?: boolean;
        };
        WebhookPatch: {
            url?: string | null;
            event_types?: components["schemas"]["WebhookEventType"][] | null;
            description?: string | null;
            enabled?: boolean | null;
        };
        WebhookPage: {
            items: components["schemas"]["Webhook"][];
            next_cursor?: string;
        };
        /** @description One event for one subscription. `pending` deliveries are tried (again) at `next_attempt_at`, with exponential backoff, for at least 24 hours after the event; then `failed`. `delivered` once the receiver answered 2xx. Redirects are not followed (a 3xx is a failed attempt). */
        WebhookDelivery: {
            id: number;
            webhook_id: string;
            /** @description The `webhook-id` header, the same for every attempt and redelivery of the event. */
            message_id: string;
            category: components["schemas"]["WebhookEventType"];
            /** @description The event's `type`, e.g. `flag_config.toggle` (an audit action). */
            event_type: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            /** @description HTTP status of the last answer; null when none came. */
            response_code: number | null;
            /** @description How long the last attempt took, in milliseconds. */
            latency_ms: number | null;
            last_error: string | null;
            /** @description The start of the last answer's body, at most 1 KiB. */
            response_excerpt: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_attempt_at: string | null;
            /** Format: date-time */
            next_attempt_at: string | null;
            /** Format: date-time */
            finished_at: string | null;
            /** @description The delivery this one sends again. */
            redelivery_of: number | null;
        };
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            next_cursor?: string;
        };
        /** @description One place a key appears. */
        CodeLocation: {
            /** @description Path relative to the repository root, `/`-separated (1 to 1000 bytes). */
            path: string;
            /** @description Line number, from 1. */
            line: number;
        };
        /** @description One key's references in an uploaded scan. */
        UploadedKey: {
            /** @description The flag key as found in the code. */
            key: string;
            /** @description How many places mention it (at least 1 and at least the number of `locations`). */
            count: number;
            /** @description Up to 20 of those places. */
            locations?: components["schemas"]["CodeLocation"][];
        };
        /** @description A scan of one repository, as `vexil refs scan --upload` sends it. */
        CodeRefsUpload: {
            /** @description The repository's name (1 to 200 characters), e.g. `github.com/acme/shop`; a new upload for the same name replaces the previous one. */
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
        /** @description A stored scan of one repository. */
        CodeRefsScan: {
            /** @description The repository's name. */
            repository: string;
            /** @description The commit scanned, if given. */
            commit?: string | null;
            /** @description The branch scanned, if given. */
            branch?: string | null;
            /**
             * Format: date-time
             * @description When the tree was scanned.
             */
            scanned_at: string;
            /** @description Who uploaded it (`token:<name>` or `user:<email>`). */
            uploaded_by: string;
            /** @description How many distinct keys it found. */
            key_count: number;
        };
        /** @description One repository's references to a flag. */
        RepositoryReferences: {
            /** @description The repository's name. */
            repository: string;
            /** @description The commit scanned, if given. */
            commit?: string | null;
            /** @description The branch scanned, if given. */
            branch?: string | null;
            /**
             * Format: date-time
             * @description When the tree was scanned.
             */
            scanned_at: string;
            /** @description How many places mention the key. */
            count: number;
            /** @description Up to 20 of them. */
            locations: components["schemas"]["CodeLocation"][];
        };
        /** @description A flag's code references over every scanned repository of its project. */
        FlagCodeReferences: {
            /** @description The flag key. */
            key: string;
            /** @description Places in all repositories; 0 when scanned and not found. */
            count: number;
            /**
             * Format: date-time
             * @description The latest scan of the project's repositories; null when none was uploaded, so that "not in code" is only said after a scan.
             */
            last_scanned?: string | null;
            /** @description The repositories that mention the key. */
            repositories: components["schemas"]["RepositoryReferences"][];
        };
        /** @description A key's totals in a project's summary. */
        KeyTotal: {
            /** @description The key as found in code. */
            key: string;
            /** @description Places in all repositories. */
            count: number;
            /** @description The names of the repositories that mention it. */
            repositories: string[];
        };
        /** @description A project's code references, its scans and the totals per key. */
        ProjectCodeReferences: {
            /**
             * Format: date-time
             * @description The latest scan of any repository; null when none was uploaded.
             */
            last_scanned?: string | null;
            /** @description The latest scan of each repository, by name. */
            scans: components["schemas"]["CodeRefsScan"][];
            /** @description Every key some repository mentions, by key (keys of no flag included). */
            keys: components["schemas"]["KeyTotal"][];
        };
        /** @description A flag's usage in one environment. */
        UsageSeries: {
            /** @description The flag key. */
            flag: string;
            /** @description The environment key. */
            environment: string;
            /**
             * @description The width of each step, in seconds; a minute up to 6 hours, an hour beyond.
             * @enum {integer}
             */
            step_seconds: 60 | 3600;
            /** @description One series per variant served, by variant key. */
            series: components["schemas"]["VariantSeries"][];
        };
        VariantSeries: {
            /** @description The variant key. */
            variant: string;
            /** @description Counts per step, oldest first; steps without evaluations are left out. */
            points: components["schemas"]["UsagePoint"][];
        };
        UsagePoint: {
            /**
             * Format: date-time
             * @description The start of the step.
             */
            at: string;
            /** @description Evaluations reported in the step. */
            count: number;
        };
        /** @description What an SDK observed since its last report; every member may be left out. Members this server does not know are ignored (a newer SDK keeps working). Invalid entries are refused one by one and listed in the answer; only a batch with nothing usable is a 422. */
        EventBatch: {
            /** @description The period the usage counts cover; they are booked at its end (at the time of receipt without a window). */
            window?: components["schemas"]["EventWindow"] | null;
            /**
             * @description Evaluation counts; at most 10 000 entries (more is a 422).
             * @default []
             */
            usage: components["schemas"]["UsageEntry"][];
            /**
             * @description Metric events; at most 10 000 (more is a 422).
             * @default []
             */
            metrics: components["schemas"]["MetricEntry"][];
            /** @description The application the SDK runs in. The server records, per flag and environment, which applications evaluated it and when last (`GET /api/v1/projects/{project}/flags/{flag}/applications`). An invalid one is listed among the problems and only the attribution is lost. */
            application?: components["schemas"]["Application"] | null;
        };
        /** @description An application that evaluates flags. */
        Application: {
            /**
             * @description 1 to 100 bytes of printable text (no control characters).
             * @example checkout-api
             */
            name: string;
            /**
             * @description At most 64 bytes of printable text.
             * @example 2.3.1
             */
            version?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** @description An application seen evaluating a flag in an environment. */
        ApplicationSeen: {
            environment: string;
            name: string;
            /** @description Absent when the SDK sent none. */
            version?: string;
            /**
             * Format: date-time
             * @description The end of the last reported period in which it evaluated the flag.
             */
            last_seen_at: string;
        };
        /** @description A period of time. Both ends are RFC 3339 times, neither more than 5 minutes ahead of the server's clock nor older than 48 hours, and `start` is not after `end` (otherwise 422). */
        EventWindow: {
            /** Format: date-time */
            start: string;
            /** Format: date-time */
            end: string;
        } & {
            [key: string]: unknown;
        };
        /** @description How many times a flag served a variant; ignored if the environment has no such flag or variant. */
        UsageEntry: {
            /** @description The flag key. */
            flag: string;
            /** @description The variant key. */
            variant: string;
            /** @description Evaluations, 1 to 1 000 000 000 (0 or a larger count is a 422, a negative one a 400). */
            count: number;
        } & {
            [key: string]: unknown;
        };
        /** @description One metric event, e.g. a conversion or a latency. */
        MetricEntry: {
            /** @description The event key, 1 to 128 letters, digits and `_ - . : /` (otherwise 422). */
            event: string;
            /**
             * @description The value measured; a count of one when left out.
             * @default 1
             */
            value: number;
            /**
             * Format: date-time
             * @description When it happened (RFC 3339; neither more than 5 minutes ahead of the server's clock nor older than 48 hours, otherwise 422); the time of receipt when absent.
             */
            at?: string | null;
            /**
             * @description The variant each flag served to the context, by flag key, at most 50 flags (otherwise 422); pairs the environment does not know are ignored.
             * @default {}
             */
            variants: {
                [key: string]: string;
            };
        } & {
            [key: string]: unknown;
        };
        /** @description What was recorded. */
        EventsAccepted: {
            /** @description Usage entries recorded. */
            usage: number;
            /** @description Metric events recorded. */
            metrics: number;
            /** @description The entries refused, each with a pointer into the batch and why; absent when none was. */
            problems?: components["schemas"]["FieldProblem"][];
            /** @description Usage entries, and flag-to-variant pairs of metric events, that named a flag or variant the environment does not have. */
            ignored: number;
        };
        /** @description An OFREP evaluation request; members other than `context` are ignored. */
        OfrepEvaluationRequest: {
            context: components["schemas"]["OfrepContext"];
        } & {
            [key: string]: unknown;
        };
        /** @description An OpenFeature evaluation context. `targetingKey` becomes the context key; it may be absent or null (an anonymous context), but a flag that splits traffic by it then fails with `TARGETING_KEY_MISSING`. Every other member becomes an attribute: strings, numbers, booleans and arrays of strings as they are, objects flattened with dots (`{"user": {"plan": "pro"}}` gives `user.plan`); nulls and arrays holding anything but strings are left out; when two members give the same name, the one whose own name sorts last wins. At most 1 000 attributes after flattening and 32 levels of nesting (otherwise `INVALID_CONTEXT`). A member named `key` cannot be targeted: in Vexil `key` always means the context key. The Rust SDK's OpenFeature provider and the debugger read contexts the same way. */
        OfrepContext: {
            targetingKey?: string | null;
        } & {
            [key: string]: unknown;
        };
        /** @description A flag's value for the context. */
        OfrepEvaluationSuccess: {
            /** @description The flag key. */
            key: string;
            /** @description The value of the variant served, of the flag's kind: only the types the protocol has. Absent when a `json` flag serves `null`: the protocol's "use the code default". (A `json` flag serving an array is a `GENERAL` failure instead: the protocol has no arrays.) */
            value?: boolean | string | number | Record<string, never>;
            /**
             * @description Why, as an OpenFeature reason: `STATIC` (the default variant), `TARGETING_MATCH` (an individual target or a rule), `SPLIT` (a percentage rollout), `DISABLED` (the off variant, because the flag is disabled or a prerequisite failed). `UNKNOWN` is part of the protocol; Vexil does not send it.
             * @enum {string}
             */
            reason: "STATIC" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "UNKNOWN";
            /** @description The key of the variant served. */
            variant: string;
            metadata: components["schemas"]["OfrepFlagMetadata"];
        };
        /** @description Vexil's details of an evaluation; as the protocol requires, every value is a string, a number or a boolean. Only what the flag's own answer determines, so that it changes exactly when the answer does (providers compare items to tell which flags changed); the environment version is in the bulk answer's `metadata`. */
        OfrepFlagMetadata: {
            /**
             * @description Vexil's own reason, finer than `reason` (see `ReasonKind`).
             * @enum {string}
             */
            vexilReason: "DISABLED" | "PREREQUISITE_FAILED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT";
            /** @description The id of the rule that matched; only for server keys. */
            ruleId?: string;
            /** @description The position of the rule that matched; only for server keys. */
            ruleIndex?: number;
        };
        /** @description Why a flag has no value for this request or context. */
        OfrepEvaluationFailure: {
            /** @description The flag key. */
            key: string;
            /**
             * @description An OpenFeature error code.
             * @enum {string}
             */
            errorCode: "PARSE_ERROR" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "GENERAL";
            /** @description What went wrong, for people. */
            errorDetails: string;
        };
        /** @description Any other error of an OFREP route (a bad, revoked or expired key or stream token, a deleted environment, a wrong method, a server failure), in the protocol's shape. */
        OfrepError: {
            /** @description The flag key, on the single-flag route. */
            key?: string;
            /**
             * @description An OpenFeature error code; `GENERAL` for these.
             * @enum {string}
             */
            errorCode: "GENERAL";
            /** @description What went wrong, for people. */
            errorDetails: string;
        };
        /** @description No flag with this key is visible to the SDK key. */
        OfrepFlagNotFound: {
            /** @description The flag key asked for. */
            key: string;
            /** @constant */
            errorCode: "FLAG_NOT_FOUND";
            /** @description What went wrong, for people. */
            errorDetails: string;
        };
        /** @description Why a bulk request could not be used at all (no flag was evaluated). */
        OfrepBulkFailure: {
            /**
             * @description An OpenFeature error code.
             * @enum {string}
             */
            errorCode: "PARSE_ERROR" | "INVALID_CONTEXT";
            /** @description What went wrong, for people. */
            errorDetails: string;
        };
        /** @description The results of a bulk evaluation. */
        OfrepBulkEvaluation: {
            /** @description One item per flag visible to the SDK key: its value, or why it has none. The two shapes never overlap (`reason` and `errorCode` are each required by one and allowed by no other). */
            flags: (components["schemas"]["OfrepEvaluationSuccess"] | components["schemas"]["OfrepEvaluationFailure"])[];
            metadata: components["schemas"]["OfrepBulkMetadata"];
            /** @description Where to receive change notifications in real time: one `sse` entry. Its address is `url`, absolute, when the server knows its public address (`VEXIL_PUBLIC_URL`), otherwise `endpoint.requestUri`, a path the provider joins to the origin of its base URL, starting with the path prefix a reverse proxy names in `X-Forwarded-Prefix`. It carries a signed token and the version of this answer. Providers skip entries of a type they do not know. */
            eventStreams?: components["schemas"]["OfrepEventStream"][];
        };
        OfrepBulkMetadata: {
            /** @description The snapshot version, as a decimal string. */
            version: string;
            /** @description The environment key. */
            environment: string;
        };
        /** @description A change notification connection; the protocol gives exactly one of `url` and `endpoint`. */
        OfrepEventStream: {
            /** @description The mechanism, e.g. `sse` (server-sent events). */
            type: string;
            /**
             * Format: uri
             * @description The full address to connect to; it may carry credentials, so it is not to be logged.
             */
            url?: string;
            endpoint?: components["schemas"]["OfrepEventStreamEndpoint"];
            /** @description Seconds of client inactivity after which the provider closes the connection. */
            inactivityDelaySec: number;
        } & (unknown | unknown);
        /** @description The address to connect to, in parts; without `origin`, the origin of the OFREP base URL. */
        OfrepEventStreamEndpoint: {
            /** @description Scheme, host and port. */
            origin?: string;
            /** @description Path and query, starting with `/`. */
            requestUri: string;
        };
        EvaluateRequest: {
            context: components["schemas"]["DebugContext"];
            /** @description Only this flag; every flag of the environment when absent or null. */
            flag?: string | null;
        };
        /** @description What to evaluate for: a key, and attributes read exactly as OFREP reads the members of an OpenFeature context (see `OfrepContext`: objects flattened with dots, nulls and arrays of anything but strings left out, at most 1 000 attributes), so that the debugger explains the answer OFREP and the SDKs' OpenFeature providers give. An unusable context (too many attributes, too deep) is a 400. */
        DebugContext: {
            /** @description The targeting key; without one the context is anonymous. */
            key?: string | null;
            attributes?: Record<string, never> | null;
        };
        EvaluateResponse: {
            /** @description The environment key. */
            environment: string;
            /** @description The snapshot version evaluated. */
            version: number;
            /** @description One explanation per flag (just the one asked for when `flag` is given). */
            results: components["schemas"]["Explanation"][];
        };
        /**
         * @description The type of every variant value of a flag (`json` admits any JSON value).
         * @enum {string}
         */
        FlagKind: "boolean" | "string" | "number" | "json";
        /**
         * @description `temporary` (a release flag, to clean up after rollout; the default) or `permanent`.
         * @enum {string}
         */
        Lifecycle: "temporary" | "permanent";
        /** @description One possible value of a flag. */
        Variant: {
            /** @description Unique within the flag. */
            key: string;
            /** @description The value served; of the flag's kind. */
            value: JsonValue;
            /** @description Omitted when empty. */
            name?: string;
            /** @description Omitted when empty. */
            description?: string;
        };
        /** @description A flag's definition, shared by every environment of its project. */
        Flag: {
            key: string;
            name?: string;
            description?: string;
            kind: components["schemas"]["FlagKind"];
            variants: components["schemas"]["Variant"][];
            tags?: string[];
            lifecycle?: components["schemas"]["Lifecycle"];
            /** @description Random string mixed into bucketing so that flags bucket independently. */
            salt: string;
            client_visible?: boolean;
        };
        /** @description How a flag behaves in one environment. As a request body, `version` is accepted and ignored. */
        FlagConfig: {
            /** @description When false the flag serves `off_variant` and nothing else is looked at. */
            enabled: boolean;
            /** @description Served when the flag is disabled or a prerequisite fails. */
            off_variant: string;
            /**
             * @description Individual context keys pinned to a variant; checked before rules.
             * @default []
             */
            targets: components["schemas"]["Target"][];
            /**
             * @description Checked in order; the first rule whose conditions all hold decides.
             * @default []
             */
            rules: components["schemas"]["Rule"][];
            default: components["schemas"]["Serve"];
            /**
             * @description Other flags that must serve a given variant for this flag to be evaluated.
             * @default []
             */
            prerequisites: components["schemas"]["Prerequisite"][];
            /**
             * @description Bumped on every change of this configuration.
             * @default 0
             */
            version: number;
        };
        /** @description A semantic patch of a flag's configuration in one environment: instructions applied in order, atomically. At most 1000 instructions. */
        Patch: {
            instructions: components["schemas"]["Instruction"][];
            /** @description Why, for the audit log (at most 1000 characters). */
            comment?: string;
        };
        /** @description One edit, tagged by `kind`. */
        Instruction: {
            /** @constant */
            kind: "turn_on";
        } | {
            /** @constant */
            kind: "turn_off";
        } | {
            /** @constant */
            kind: "set_off_variant";
            variant: string;
        } | {
            /** @constant */
            kind: "set_default";
            serve: components["schemas"]["Serve"];
        } | {
            /** @constant */
            kind: "set_rollout";
            /** @description The rule's id; absent for the default. */
            rule?: string;
            weights: components["schemas"]["Weight"][];
            bucket_by?: string;
        } | {
            /** @constant */
            kind: "set_rule_serve";
            rule: string;
            serve: components["schemas"]["Serve"];
        } | {
            /** @constant */
            kind: "add_rule";
            rule: components["schemas"]["Rule"];
            position?: number;
        } | {
            /** @constant */
            kind: "replace_rule";
            rule: components["schemas"]["Rule"];
        } | {
            /** @constant */
            kind: "remove_rule";
            rule: string;
        } | {
            /** @constant */
            kind: "move_rule";
            rule: string;
            position: number;
        } | {
            /** @constant */
            kind: "add_targets";
            variant: string;
            keys: string[];
        } | {
            /** @constant */
            kind: "remove_targets";
            variant?: string;
            keys: string[];
        } | {
            /** @constant */
            kind: "add_prerequisite";
            flag: string;
            variant: string;
        } | {
            /** @constant */
            kind: "remove_prerequisite";
            flag: string;
        } | {
            /** @constant */
            kind: "set_prerequisites";
            prerequisites: components["schemas"]["Prerequisite"][];
        };
        /** @description Context keys that always get one variant. */
        Target: {
            variant: string;
            keys: string[];
        };
        /** @description A targeting rule; when every condition holds, `serve` decides. */
        Rule: {
            /** @description Stable identifier, unique within the flag; the server assigns one when empty. */
            id?: string;
            /** @description Omitted when empty. */
            description?: string;
            /** @description All must hold; an empty list always holds. */
            conditions?: components["schemas"]["Condition"][];
            serve: components["schemas"]["Serve"];
        };
        /** @description One test on a context attribute. */
        Condition: {
            /** @description The attribute tested; `key` means the context key. Unused by `in_segment`. */
            attribute?: string;
            op: components["schemas"]["Op"];
            /** @description Operands; their types depend on the operator. */
            values?: unknown[];
            /** @description Inverts the outcome when the attribute is present and of a usable type. */
            negate?: boolean;
        };
        /**
         * @description A condition operator.
         * @enum {string}
         */
        Op: "in" | "contains" | "starts_with" | "ends_with" | "matches" | "lt" | "lte" | "gt" | "gte" | "semver_eq" | "semver_lt" | "semver_lte" | "semver_gt" | "semver_gte" | "before" | "after" | "in_segment" | "exists";
        /** @description What a rule or the default serves: one variant (`{"variant": "on"}`) or a percentage split (`{"rollout": {...}}`). */
        Serve: {
            variant: string;
        } | {
            rollout: components["schemas"]["Rollout"];
        };
        /** @description A percentage split over variants by consistent hashing. */
        Rollout: {
            /** @description The attribute hashed; absent or `key` means the context key. */
            bucket_by?: string;
            /** @description The layout: entries cover consecutive bucket ranges in list order and sum to 100 000. A variant may be named in several entries; its share is their sum. */
            weights: components["schemas"]["Weight"][];
        };
        /** @description What a configuration write would store (`PUT ...?dry_run=true`), computed by the same code as the write. */
        ConfigPreview: {
            /** @description The stored version the preview starts from. */
            base_version: number;
            config: components["schemas"]["FlagConfig"];
            /** @description One entry per place (the default, or a rule matched by id) whose serve changes and is a rollout before or after the write, in document order. */
            rollouts: components["schemas"]["RolloutChange"][];
        };
        /** @description Who changes variant at one place. Shares are buckets out of 100 000 of the contexts that reach the place (1 = 0.001 %). */
        RolloutChange: {
            /** @description JSON pointer to the serve in `config`, `/default` or `/rules/{index}/serve`. */
            pointer: string;
            /** @description The rule's id, for a rule. */
            rule_id?: string;
            /**
             * @description `rebased`: derived from the stored layout, so `moved` equals `required`. `compacted`: keeping the stored layout would exceed 200 entries, so it was first reduced to one entry per variant, and more users move than required. `as_sent`: stored as sent (`layout=exact`, a serve that was a single variant before, or a different `bucket_by`).
             * @enum {string}
             */
            layout: "rebased" | "compacted" | "as_sent";
            /** @description Whether the attribute hashed changes; then who moves cannot be known. */
            bucket_by_changed: boolean;
            /** @description The least share any layout of the new weights moves: the sum over variants of what each one gains. */
            required: number;
            /** @description The share whose variant changes, bucket by bucket with the published bucketing rule; null when `bucket_by` changes. */
            moved: number | null;
        };
        /** @description One variant's share of a rollout. */
        Weight: {
            variant: string;
            /** @description Share out of 100 000 (so 1 is 0.001 %). */
            weight: number;
        };
        /** @description A flag that must serve a given variant before this flag is evaluated. */
        Prerequisite: {
            flag: string;
            variant: string;
        };
        /** @description A reusable audience, as a snapshot carries it. */
        Segment: {
            key: string;
            name: string;
            description: string;
            included: string[];
            excluded: string[];
            rules: components["schemas"]["SegmentRule"][];
            version: number;
        };
        /** @description A segment rule; every condition must hold (`in_segment` is not allowed here). */
        SegmentRule: {
            /** @description Optional identifier for people and traces; omitted when empty. */
            id?: string;
            conditions?: components["schemas"]["Condition"][];
        };
        /** @description A flag's evaluation fields and its configuration in one environment. */
        SnapshotFlag: {
            key: string;
            kind: components["schemas"]["FlagKind"];
            salt: string;
            variants: components["schemas"]["Variant"][];
            client_visible: boolean;
            /** @description The configuration in this environment, every member present. */
            config: components["schemas"]["FlagConfig"] & unknown;
        };
        /** @description Everything an SDK needs to evaluate every flag of one environment. */
        Snapshot: {
            /** @description The environment key. */
            environment: string;
            /** @description The environment version, bumped by every committed change. */
            version: number;
            /** @description Every active flag of the project (archived flags are left out). */
            flags: components["schemas"]["SnapshotFlag"][];
            /** @description Every segment of the project. */
            segments: components["schemas"]["Segment"][];
        };
        /** @description A context attribute value. */
        AttributeValue: string | number | boolean | string[];
        /** @description What a flag is evaluated for; the attribute name `key` always means the context key. A null member is the same as an absent one; of a repeated attribute name the last value counts. */
        Context: {
            /** @description The targeting key; without one the context is anonymous. */
            key?: string | null;
            attributes?: {
                [key: string]: components["schemas"]["AttributeValue"];
            } | null;
        };
        /** @enum {string} */
        ReasonKind: "DISABLED" | "PREREQUISITE_FAILED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "ERROR";
        /** @enum {string} */
        ErrorCode: "PROVIDER_NOT_READY" | "FLAG_NOT_FOUND" | "PARSE_ERROR" | "TYPE_MISMATCH" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "GENERAL";
        /** @description An evaluation result. */
        EvaluationRecord: {
            /** @description The value served; absent on error. */
            value?: JsonValue;
            /** @description The variant served; absent on error. */
            variant?: string;
            reason: components["schemas"]["ReasonKind"];
            /** @description With `TARGETING_MATCH` from a rule, its position. */
            rule_index?: number;
            /** @description With `TARGETING_MATCH` from a rule, its id. */
            rule_id?: string;
            /** @description With `PREREQUISITE_FAILED`, the prerequisite flag that failed. */
            prerequisite?: string;
            error_code?: components["schemas"]["ErrorCode"];
        };
        /**
         * @description How one condition came out before `negate` was applied.
         * @enum {string}
         */
        Outcome: "matched" | "not_matched" | "missing" | "type_mismatch";
        /** @description Everything evaluation looked at for one flag and context, in order. */
        Explanation: {
            flag: string;
            result: components["schemas"]["EvaluationRecord"];
            /** @description Whether the flag is enabled in this environment (null if it does not exist). */
            enabled: boolean | null;
            prerequisites: components["schemas"]["PrerequisiteTrace"][];
            /** @description Whether the individual targets were checked, and whether the key was among them. */
            target_matched: boolean | null;
            rules: components["schemas"]["RuleTrace"][];
            /** @description The bucketing step, if a rollout decided. */
            bucket: components["schemas"]["BucketTrace"] | null;
        };
        PrerequisiteTrace: {
            flag: string;
            required_variant: string;
            served_variant: string | null;
            holds: boolean;
        };
        RuleTrace: {
            index: number;
            id: string;
            matched: boolean;
            conditions: components["schemas"]["ConditionTrace"][];
        };
        ConditionTrace: {
            index: number;
            attribute: string;
            op: components["schemas"]["Op"];
            negate: boolean;
            /** @description The context's value of the attribute (null if absent). */
            actual: JsonValue;
            outcome: components["schemas"]["Outcome"];
            holds: boolean;
            /** @description With outcome `type_mismatch`: why the context's value cannot be compared, for people (e.g. `"v3.1.0" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 3.1.0): it starts with "v", which is not part of a version; "3.1.0" would be one`). Absent otherwise. */
            mismatch?: string;
        };
        BucketTrace: {
            /** @description The attribute bucketed by (`key` for the context key). */
            bucket_by: string;
            /** @description The string hashed after `salt ":"`. */
            hashed_value: string;
            fell_back_to_key: boolean;
            /** @description The bucket, in [0, 100 000). */
            bucket: number;
        };
        /**
         * @description `open` (waiting for approvals), `applied`, `scheduled` (handed to a scheduled change), `rejected`, `cancelled`, `conflicted` (approved, but its instructions no longer applied; `reason` says why).
         * @enum {string}
         */
        ChangeRequestState: "open" | "applied" | "scheduled" | "rejected" | "cancelled" | "conflicted";
        ChangeRequestApproval: {
            actor: string;
            /** Format: date-time */
            at: string;
        };
        ChangeRequestComment: {
            id: number;
            actor: string;
            body: string;
            /** Format: date-time */
            at: string;
        };
        ChangeRequest: {
            id: number;
            flag: string;
            environment: string;
            title: string;
            patch: components["schemas"]["Patch"];
            /** @description The configuration version the author saw. */
            base_version: number;
            /** @description Who asked, as the audit log names them. */
            author: string;
            state: components["schemas"]["ChangeRequestState"];
            /** @description Why it was rejected or conflicted. */
            reason?: string;
            /**
             * Format: date-time
             * @description When set, approval schedules the change for this time instead of applying it.
             */
            scheduled_at?: string;
            /** @description The configuration version its application wrote (or found, when it changed nothing). */
            applied_version?: number;
            /** @description The scheduled change approval made of it. */
            scheduled_change_id?: number;
            /** @description Approvals the environment requires. */
            required_approvals: number;
            approvals: components["schemas"]["ChangeRequestApproval"][];
            /** @description The comment thread, oldest first. */
            comments: components["schemas"]["ChangeRequestComment"][];
            /** @description Bumped on each change of the request (the ETag). */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ChangeRequestDiff: {
            /** @description The configuration now. */
            before: components["schemas"]["FlagConfig"];
            /** @description What the request's instructions make of it (absent when they no longer apply). */
            after?: components["schemas"]["FlagConfig"];
            /** @description Why the instructions no longer apply. */
            problem?: string;
        };
        /** @description A change request with what it would do to the current configuration. */
        ChangeRequestWithDiff: {
            id: number;
            flag: string;
            environment: string;
            title: string;
            patch: components["schemas"]["Patch"];
            /** @description The configuration version the author saw. */
            base_version: number;
            /** @description Who asked, as the audit log names them. */
            author: string;
            state: components["schemas"]["ChangeRequestState"];
            /** @description Why it was rejected or conflicted. */
            reason?: string;
            /**
             * Format: date-time
             * @description When set, approval schedules the change for this time instead of applying it.
             */
            scheduled_at?: string;
            /** @description The configuration version its application wrote (or found, when it changed nothing). */
            applied_version?: number;
            /** @description The scheduled change approval made of it. */
            scheduled_change_id?: number;
            /** @description Approvals the environment requires. */
            required_approvals: number;
            approvals: components["schemas"]["ChangeRequestApproval"][];
            /** @description The comment thread, oldest first. */
            comments: components["schemas"]["ChangeRequestComment"][];
            /** @description Bumped on each change of the request (the ETag). */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            diff: components["schemas"]["ChangeRequestDiff"];
        };
        ChangeRequestPage: {
            items: components["schemas"]["ChangeRequest"][];
            next_cursor?: string;
        };
        NewChangeRequest: {
            flag: string;
            environment: string;
            /** @description What the change is, in a line (1 to 200 characters after trimming). */
            title: string;
            patch: components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description When approved, schedule the change for this time (RFC 3339) instead of applying it.
             */
            scheduled_at?: string | null;
        };
        CommentRequest: {
            /** @description 1 to 4 000 characters after trimming. */
            body: string;
        };
        RejectRequest: {
            /** @description Why, stored on the request and its audit entry. */
            reason?: string | null;
        };
        /**
         * @description `pending` (waiting for its time), `done`, `failed` (its instructions no longer applied or validated; `reason` says why), `cancelled`.
         * @enum {string}
         */
        ScheduledState: "pending" | "done" | "failed" | "cancelled";
        ReleasePlanStep: {
            /** @description The treatment's share of the place, 0.001 to 100 in steps of 0.001; above the previous step's; the last step is 100. */
            percent: number;
            /**
             * @description Shortest time on the step, in seconds (at most 30 days).
             * @default 600
             */
            min_duration_seconds: number;
            /**
             * @description Fewest exposures each arm gets on the step before the next (the treatment only, at 100 %).
             * @default 100
             */
            min_exposures: number;
        };
        ReleasePlanGuardrail: {
            /** @description A tracked event key (`http_5xx`, `latency_ms`), as SDKs send it with `track`. */
            event: string;
            /**
             * @description `rate`: events per exposure (at most one per exposure); `mean`: the mean of the event's values; `p95`: the 95th percentile of the event's values, from per-minute quantile sketches (1 % relative accuracy) of the events attributed to the flag's variants; no verdict before 400 events per arm; `prometheus`: the number `query` gives for each arm from the server's Prometheus (`VEXIL_PROMETHEUS_URL`), compared as is, with no statistical test (docs/release-safety.md).
             * @enum {string}
             */
            measure: "rate" | "mean" | "p95" | "prometheus";
            /**
             * @default higher_is_worse
             * @enum {string}
             */
            direction: "higher_is_worse" | "lower_is_worse";
            /**
             * @description Tolerated relative degradation (0.1 is 10 % worse).
             * @default 0
             */
            tolerance: number;
            /**
             * @description `p95` and `prometheus` guardrails only: tolerated absolute degradation in the metric's unit, added to the relative one (50 with `latency_ms`: a p95 up to 50 ms worse passes). Left out of responses when 0.
             * @default 0
             */
            absolute_tolerance: number;
            /** @description `prometheus` guardrails only (and required there): a PromQL instant query that gives one number (a scalar or a one-sample vector), with `{{variant}}` where the arm's variant key goes, e.g. `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{variant="{{variant}}"}[5m])))`. `event` then names the guardrail. */
            query?: string;
        };
        ReleasePlanSpec: {
            /** @description The variant released. */
            treatment: string;
            /** @description The variant it replaces. */
            control: string;
            /** @description The id of the rule whose serve is stepped; absent for the default serve. */
            rule?: string;
            /** @description By default 1, 5, 25, 50 and 100 %, each for at least 600 s and 100 exposures per arm. */
            steps?: components["schemas"]["ReleasePlanStep"][];
            guardrails?: components["schemas"]["ReleasePlanGuardrail"][];
            /**
             * @description The plan's false-alarm rate (all guardrails together, split evenly between them).
             * @default 0.05
             */
            alpha: number;
            /**
             * @description Exposures per arm at which the always-valid bounds are tightest.
             * @default 10000
             */
            planned_exposures: number;
        };
        ReleasePlan: {
            id: number;
            flag: string;
            environment: string;
            treatment: string;
            control: string;
            rule?: string;
            steps: components["schemas"]["ReleasePlanStep"][];
            guardrails: components["schemas"]["ReleasePlanGuardrail"][];
            alpha: number;
            planned_exposures: number;
            /** @enum {string} */
            state: "draft" | "running" | "paused" | "rolled_back" | "completed";
            /** @description The current step's index in `steps`. */
            step: number;
            /** Format: date-time */
            started_at?: string;
            /** Format: date-time */
            step_started_at?: string;
            /** @description Why the plan is where it is (the last decision, with its numbers). */
            reason?: string;
            /** @description The last look: `step`, `percent`, `exposures` and `step_exposures` (`control`, `treatment`), `sample_ratio` (`expected_share`, `observed_share`, `p_value`, `mismatch`) and `guardrails`, each with `event`, `measure`, `tolerance`, `absolute_tolerance` (when not 0), `verdict` (`worse`, `not_worse`, `not_enough_data`), `relative_difference` and per arm (`control`, `treatment`) `n`, `estimate`, `lower`, `upper`. */
            analysis?: Record<string, never>;
            /** Format: date-time */
            looked_at?: string;
            /** @description The change request whose approval starts the plan, in an environment that requires approval (set by `start` there). */
            change_request_id?: number;
            author: string;
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ReleasePlanActionRequest: {
            /** @description Why, for the plan's `reason` and the audit entry (empty means none). */
            comment?: string;
        };
        /** @description A webhook's payload as Flagger sends it (`name`, `namespace`, `phase`, `checksum`, `metadata`); only `metadata.token` is read. */
        ReleasePlanGateRequest: {
            metadata?: {
                /** @description An API token (`vx_api_…`) of at least the viewer role in the project. */
                token?: string;
            };
        };
        ReleasePlanVerdict: {
            healthy: boolean;
            /** @enum {string} */
            state: "draft" | "running" | "paused" | "rolled_back" | "completed";
            step: number;
            /** @description The treatment's share now, in percent (0 for a draft or a rolled-back plan). */
            percent: number;
            /** @description Event keys of the guardrails worse at the last look. */
            worse: string[];
            reason?: string;
        };
        ScheduledChange: {
            id: number;
            flag: string;
            environment: string;
            patch: components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description When it is due.
             */
            run_at: string;
            state: components["schemas"]["ScheduledState"];
            /** @description Who scheduled it (or authored the change request it came from); the scheduler acts on their behalf. */
            author: string;
            /** @description The approved change request it came from. */
            change_request_id?: number;
            /** Format: date-time */
            ran_at?: string;
            /** @description It ran late: it came due while no replica's scheduler was running (it ran at the next start), or ran more than 5 seconds after its time. */
            ran_late: boolean;
            /** @description How long after `run_at` it ran, in milliseconds. */
            late_by_ms?: number;
            /** @description Why it failed. */
            reason?: string;
            /** @description The configuration version it wrote (absent when it changed nothing). */
            result_version?: number;
            /** @description Bumped on each change (the ETag). */
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ScheduledChangePage: {
            items: components["schemas"]["ScheduledChange"][];
            next_cursor?: string;
        };
        NewScheduledChange: {
            flag: string;
            environment: string;
            patch: components["schemas"]["Patch"];
            /**
             * Format: date-time
             * @description When to apply it (RFC 3339); not in the past.
             */
            run_at: string;
        };
        ScheduledChangePatch: {
            patch?: components["schemas"]["Patch"] | null;
            /** Format: date-time */
            run_at?: string | null;
        };
    };
    responses: {
        /** @description No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted; in the protocol's shape. */
        OfrepUnauthorized: JsonValue;
        /** @description The route does not take this method; in the protocol's shape. */
        OfrepMethodNotAllowed: JsonValue;
        /** @description A server failure (the log has its cause); in the protocol's shape. */
        OfrepInternal: JsonValue;
        /** @description The database cannot be reached; in the protocol's shape. */
        OfrepUnavailable: JsonValue;
        /** @description Malformed request: bad JSON, unknown field, bad query parameter or header, or text (in the path, the query string or the body) holding the NUL character U+0000, which no text in Vexil may contain. */
        BadRequest: JsonValue;
        /** @description No credentials, or credentials that are unknown, expired or revoked. */
        Unauthorized: JsonValue;
        /** @description The caller's role is too low, or the API token is scoped to another project. */
        Forbidden: JsonValue;
        /** @description The resource (or the project or environment it belongs to) does not exist. */
        NotFound: JsonValue;
        /** @description The change would break something (named in `dependents`, when known) or the key is already taken. */
        Conflict: JsonValue;
        /** @description The change would break something (named in `dependents`, when known), or (`approval-required`) the environment requires approval: the detail names the change-request route, `POST /api/v1/projects/{project}/change-requests`. */
        ConflictOrApprovalRequired: JsonValue;
        /** @description `If-Match` names an older version; `current_version` is the current one. Read the resource again and reapply the change. */
        PreconditionFailed: JsonValue;
        /** @description The request body is over the size limit. */
        PayloadTooLarge: JsonValue;
        /** @description The request body is not declared as JSON. */
        UnsupportedMediaType: JsonValue;
        /** @description Well-formed but invalid content; `errors` names each problem by JSON pointer. */
        Unprocessable: JsonValue;
        /** @description The write needs an `If-Match` header. */
        PreconditionRequired: JsonValue;
        /** @description Too many failed attempts; wait `Retry-After` seconds. */
        TooManyRequests: JsonValue;
        /** @description The server cannot serve right now (e.g. the database is unreachable). */
        ServiceUnavailable: JsonValue;
    };
    parameters: {
        /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
        PageLimit: JsonValue;
        /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
        PageCursor: JsonValue;
        /** @description A unique key for this request (a UUID), as a structured-field string (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`; a bare value is taken too): 16 to 255 visible ASCII characters, else 400. Scoped to the person and the route; the answer it replays is kept 24 hours, sealed under a key derived from this one. */
        IdempotencyKey: JsonValue;
        /** @description The project key. */
        Project: JsonValue;
        /** @description The environment key. */
        Env: JsonValue;
        /** @description The flag key. */
        Flag: JsonValue;
        /** @description The segment key. */
        Segment: JsonValue;
        /** @description The user id. */
        UserId: JsonValue;
        /** @description The API token id. */
        TokenId: JsonValue;
        /** @description The SDK key id. */
        SdkKeyId: JsonValue;
        /** @description The webhook subscription id. */
        WebhookId: JsonValue;
        /** @description The delivery id (a number). */
        DeliveryId: JsonValue;
        /** @description The change request id. */
        ChangeRequestId: JsonValue;
        /** @description The scheduled change id. */
        ScheduledChangeId: JsonValue;
        /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
        IfMatch: JsonValue;
        /** @description ETags of copies the caller already has (a comma-separated list; weak forms `W/"..."` and `*` match too); when one is current the answer is a 304 without a body. */
        IfNoneMatch: JsonValue;
    };
    requestBodies: never;
    headers: {
        /** @description The resource version, as a quoted string (`"7"`). */
        ETag: JsonValue;
        /** @description The path of the created resource. */
        Location: JsonValue;
        /** @description Always `Bearer`. */
        WWWAuthenticate: JsonValue;
        /** @description Seconds to wait before trying again. */
        RetryAfter: JsonValue;
        /** @description The history and the snapshot (environment) version, as a quoted string (`"5f0c2a9e13b4-42"`): the same as the stream's event ids. */
        SnapshotETag: JsonValue;
        /** @description An opaque quoted string that changes with the history, the environment version, the kind of SDK key, the context and the period of the stream URL in the answer (`"5f0c2a9e13b4-42-s0123456789abcdef-493827"`). */
        OfrepBulkETag: JsonValue;
        /** @description Always `accept-encoding`. */
        VaryAcceptEncoding: JsonValue;
        /** @description Always `no-cache`; caches must revalidate (`If-None-Match`). */
        CacheControlNoCache: JsonValue;
        /** @description `gzip`, present only when the request accepted gzip. */
        ContentEncodingGzip: JsonValue;
    };
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
                    "application/json": components["schemas"]["Readiness"];
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
            /** @description Password logins are off (SSO-only mode) for everyone but the break-glass owner. */
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
                    "application/json": {
                        token: string;
                        /** Format: date-time */
                        expires_at: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
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
                    "application/json": {
                        pending: boolean;
                        /** @description The generated owner's email while set-up is pending. */
                        email: string | null;
                    };
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
                "application/json": {
                    setup_password: string;
                    email: string;
                    name?: string;
                    password: string;
                };
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
            /** @description The one-time password is wrong. */
            401: components["responses"]["Unauthorized"];
            /** @description Set-up is already done. */
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
                    "application/json": {
                        /** @description False in SSO-only mode, where only the break-glass owner (`VEXIL_OIDC_BREAK_GLASS_EMAIL`) may log in with a password. */
                        password_login: boolean;
                        /** @description The identity provider, when single sign-on is configured. */
                        sso: null | {
                            /** @description The provider's name for the button (`VEXIL_OIDC_PROVIDER_NAME`). */
                            name: string;
                            /** @description Where the browser goes to log in (add `?next=<path>`). */
                            login_url: string;
                        };
                    };
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
            /** @description Single sign-on is not configured. */
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
            /** @description Single sign-on is not configured. */
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
                "application/json": {
                    handoff: string;
                };
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
            /** @description The code is unknown, used or expired, or the user is disabled. */
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
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
                    "application/json": components["schemas"]["ProjectPage"];
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
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                    ETag: components["headers"]["ETag"];
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
    list_environments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                    "application/json": components["schemas"]["EnvironmentPage"];
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
                project: components["parameters"]["Project"];
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
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environment. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    ETag: components["headers"]["ETag"];
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
    evaluate_context: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
    list_sdk_keys: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: components["parameters"]["PageLimit"];
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: components["parameters"]["PageCursor"];
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    "application/json": components["schemas"]["SdkKeyPage"];
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
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
                /** @description The SDK key id. */
                id: components["parameters"]["SdkKeyId"];
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
                project: components["parameters"]["Project"];
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
                    "application/json": components["schemas"]["WebhookPage"];
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
                project: components["parameters"]["Project"];
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
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
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
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
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
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
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
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
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
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
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
                project: components["parameters"]["Project"];
                /** @description The webhook subscription id. */
                id: components["parameters"]["WebhookId"];
                /** @description The delivery id (a number). */
                delivery: components["parameters"]["DeliveryId"];
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
                sort?: "key" | "last_evaluated";
                /** @description List archived flags instead of active ones. */
                archived?: boolean;
                /** @description Page size. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, issued for the same `sort`: a cursor of the other order, or one this server did not issue, is a 400. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                    "application/json": components["schemas"]["FlagPage"];
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
                project: components["parameters"]["Project"];
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
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The flag. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archived flag. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The restored flag. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The configuration; its `version` is the ETag. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                layout?: "rebase" | "exact";
                /** @description Store nothing; answer a `ConfigPreview` instead. The configuration itself and its variants are checked (422 as for a write, 409 when archived, 412 on a stale If-Match); references to segments and other flags and the prerequisite graph are checked only when it is written. */
                dry_run?: boolean;
            };
            header: {
                /** @description The version the change is based on, as its ETag (`"7"`; `W/"7"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required). */
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlagConfigRecord"] | components["schemas"]["ConfigPreview"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    ETag: components["headers"]["ETag"];
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
    toggle_flags: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
    restore_flag_config: {
        parameters: {
            query?: never;
            header?: {
                /** @description The current version the caller saw; absent restores over whatever is current. */
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                    ETag: components["headers"]["ETag"];
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
    list_change_requests: {
        parameters: {
            query?: {
                /** @description Only requests in this state. */
                state?: components["schemas"]["ChangeRequestState"];
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                    "application/json": components["schemas"]["ChangeRequestPage"];
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
                project: components["parameters"]["Project"];
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
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
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
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request after the approval. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
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
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The change request id. */
                id: components["parameters"]["ChangeRequestId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled request. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
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
                    "application/json": components["schemas"]["ScheduledChangePage"];
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
                project: components["parameters"]["Project"];
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
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The scheduled change id. */
                id: components["parameters"]["ScheduledChangeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scheduled change. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The scheduled change id. */
                id: components["parameters"]["ScheduledChangeId"];
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
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The scheduled change id. */
                id: components["parameters"]["ScheduledChangeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled change. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
    get_release_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleasePlanSpec"];
            };
        };
        responses: {
            /** @description The draft plan. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description The plan after the action. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleasePlan"];
                };
            };
            /** @description Where approval is required, the draft with the change request that will start it. */
            202: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description The plan after the action. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description The plan after the action. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description The plan after the action. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match"?: components["schemas"]["IfMatchValue"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleasePlanActionRequest"];
            };
        };
        responses: {
            /** @description The plan after the action. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
            };
            cookie?: never;
        };
        requestBody?: {
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
            /** @description Not healthy. */
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
    get_code_references: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
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
                project: components["parameters"]["Project"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
    get_flag_usage_in: {
        parameters: {
            query?: {
                /** @description How far back to look, in hours (at most 90 days); outside 1 to 2160 it is a 400. */
                hours?: number;
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
                /** @description The environment key. */
                env: components["parameters"]["Env"];
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
                project: components["parameters"]["Project"];
                /** @description The flag key. */
                flag: components["parameters"]["Flag"];
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
    list_segments: {
        parameters: {
            query?: {
                /** @description Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`. */
                limit?: components["parameters"]["PageLimit"];
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: components["parameters"]["PageCursor"];
            };
            header?: never;
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentPage"];
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
                project: components["parameters"]["Project"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentBody"] & unknown;
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    Location: components["headers"]["Location"];
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
                project: components["parameters"]["Project"];
                /** @description The segment key. */
                segment: components["parameters"]["Segment"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segment. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The segment key. */
                segment: components["parameters"]["Segment"];
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
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The project key. */
                project: components["parameters"]["Project"];
                /** @description The segment key. */
                segment: components["parameters"]["Segment"];
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
                    "application/json": components["schemas"]["AuditPage"];
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
                limit?: components["parameters"]["PageLimit"];
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: components["parameters"]["PageCursor"];
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
                    "application/json": components["schemas"]["UserPage"];
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
                    ETag: components["headers"]["ETag"];
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
                id: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The user id. */
                id: components["parameters"]["UserId"];
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
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The user id. */
                id: components["parameters"]["UserId"];
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
                    ETag: components["headers"]["ETag"];
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
                limit?: components["parameters"]["PageLimit"];
                /** @description The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail. */
                cursor?: components["parameters"]["PageCursor"];
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
                    "application/json": components["schemas"]["ApiTokenPage"];
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
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
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
                id: components["parameters"]["TokenId"];
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
            /** @description No token, an invalid or expired one, or the session has ended. */
            401: components["responses"]["Unauthorized"];
        };
    };
    get_config: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETags of copies the caller already has (a comma-separated list; weak forms `W/"..."` and `*` match too); when one is current the answer is a 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
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
                    ETag: components["headers"]["SnapshotETag"];
                    Vary: components["headers"]["VaryAcceptEncoding"];
                    "Cache-Control": components["headers"]["CacheControlNoCache"];
                    "Content-Encoding": components["headers"]["ContentEncodingGzip"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"];
                };
            };
            /** @description `If-None-Match` names the current history and version: the copy the SDK has is current. No body. */
            304: {
                headers: {
                    ETag: components["headers"]["SnapshotETag"];
                    Vary: components["headers"]["VaryAcceptEncoding"];
                    "Cache-Control": components["headers"]["CacheControlNoCache"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted. */
            401: components["responses"]["Unauthorized"];
            /** @description A client SDK key; the configuration needs a server key. */
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
            /** @description No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted. */
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
                    "X-Vexil-Stream-Start"?: "resumed" | "snapshot";
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ServerSentEvent"];
                };
            };
            /** @description No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted. */
            401: components["responses"]["Unauthorized"];
            /** @description A client SDK key; the stream needs a server key. */
            403: components["responses"]["Forbidden"];
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
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
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
                    ETag: components["headers"]["OfrepBulkETag"];
                    "Cache-Control": components["headers"]["CacheControlNoCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OfrepBulkEvaluation"];
                };
            };
            /** @description `If-None-Match` names the current ETag: the results the provider has are current. No body. */
            304: {
                headers: {
                    ETag: components["headers"]["OfrepBulkETag"];
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
            /** @description No token, an invalid or expired one (fetch the flags again for a new URL), its SDK key was revoked, or its environment deleted. */
            401: components["responses"]["OfrepUnauthorized"];
            405: components["responses"]["OfrepMethodNotAllowed"];
            500: components["responses"]["OfrepInternal"];
            503: components["responses"]["OfrepUnavailable"];
        };
    };
}
